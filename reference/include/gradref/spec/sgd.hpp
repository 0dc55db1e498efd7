#pragma once
// Gradient descent / SGD / mini-batch SGD (the rule is the same; the batch is the
// caller's), with weight decay and momentum in both textbook forms:
//
//   g <- (maximize ? -grad : grad)
//   decoupled decay: theta <- theta - (lr wd) theta        coupled (L2): g <- g + wd theta
//   no momentum:  theta <- theta - lr g
//   heavy_ball:   b <- g on the first step (step = 0: PyTorch's rule, the buffer is
//                 "None"), else b <- mu b + (1 - dampening) g
//                 theta <- theta - lr (nesterov ? g + mu b : b)
//   velocity:     v <- mu v - lr g     (lr inside the buffer: Keras, ensmallen, Goodfellow 8.2)
//                 theta <- theta + (nesterov ? mu v - lr g : v)
// The two momentum forms give the same trajectory while lr is constant (v = -lr b);
// they differ once lr changes between steps.
#include <array>
#include <vector>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

enum class MomentumForm { heavy_ball, velocity };
enum class DecayStyle { coupled, decoupled };

inline constexpr std::array momentum_forms{Alternative<MomentumForm>{"heavy_ball", MomentumForm::heavy_ball},
                                           Alternative<MomentumForm>{"velocity", MomentumForm::velocity}};

struct Sgd {
  static constexpr const char* op = "sgd";

  double lr = 1e-3;
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  MomentumForm momentum_form = MomentumForm::heavy_ball;
  double weight_decay = 0.0;
  DecayStyle decay_style = DecayStyle::coupled;
  bool maximize = false;

  template <class V>
  void describe(V& v) {
    v.number("lr", lr, "learning rate; >= 0");
    v.number("momentum", momentum, "momentum factor mu; in [0, 1); 0 = plain gradient descent");
    v.number("dampening", dampening, "heavy_ball: b <- mu b + (1 - dampening) g after the first step; in [0, 1]");
    v.flag("nesterov", nesterov, "Nesterov momentum in the reformulated form (needs momentum > 0, dampening 0)");
    v.choice("momentum_form", momentum_form, momentum_forms,
             "heavy_ball: b <- mu b + g, theta -= lr b (PyTorch, optax, TF1); velocity: v <- mu v - lr g, "
             "theta += v (Keras, Goodfellow et al.)");
    v.number("weight_decay", weight_decay, "decay factor wd; >= 0");
    v.choice("decay_style", decay_style,
             std::array{Alternative<DecayStyle>{"coupled", DecayStyle::coupled},
                        Alternative<DecayStyle>{"decoupled", DecayStyle::decoupled}},
             "coupled: g += wd theta (L2; PyTorch, ONNX); decoupled: theta -= lr wd theta before the step (Keras)");
    v.flag("maximize", maximize, "gradient ascent: step along +grad");
  }
};

inline void validate(const Sgd& s) {
  require_finite_at_least(s.lr, 0.0, Sgd::op, "lr", "a finite number >= 0");
  require_in_unit_interval(s.momentum, Sgd::op, "momentum");
  require(s.dampening >= 0.0 && s.dampening <= 1.0, Sgd::op, "dampening", format_double(s.dampening),
          "a number in [0, 1]");
  require_finite_at_least(s.weight_decay, 0.0, Sgd::op, "weight_decay", "a finite number >= 0");
  if (s.nesterov) {
    require(s.momentum > 0.0, Sgd::op, "momentum", format_double(s.momentum), "> 0 when nesterov is true");
    require(s.dampening == 0.0, Sgd::op, "dampening", format_double(s.dampening), "0 when nesterov is true");
  }
  if (s.momentum_form == MomentumForm::velocity)
    require(s.dampening == 0.0, Sgd::op, "dampening", format_double(s.dampening),
            "0 with momentum_form velocity (dampening is a heavy_ball field)");
}

/// The state arrays this spec uses: the momentum buffer when momentum > 0.
inline std::vector<const char*> slots(const Sgd& s) {
  if (s.momentum == 0.0) return {};
  return {s.momentum_form == MomentumForm::heavy_ball ? "momentum_buffer" : "velocity"};
}

// Each preset starts from the defaults above and sets every field the framework fixes.
inline constexpr std::array<Preset<Sgd>, 6> sgd_presets{{
    {"pytorch", "torch/optim/sgd.py (_single_tensor_sgd), PyTorch 2.15.0: lr 1e-3, momentum 0, dampening 0, coupled L2",
     [](Sgd& s) { s = Sgd{}; }},
    {"optax", "optax/_src/alias.py (sgd) and optax/transforms/_accumulation.py (trace), optax 0.2.9.dev (2edbcbe): no default lr (gradref: 1e-3), "
              "momentum None, no weight decay (add_decayed_weights is a separate transform)",
     [](Sgd& s) { s = Sgd{}; }},
    {"keras", "keras/src/optimizers/sgd.py and base_optimizer.py (_apply_weight_decay), Keras 3.16.0: lr 0.01, "
              "m <- mu m - lr g, decoupled decay",
     [](Sgd& s) {
       s = Sgd{};
       s.lr = 0.01;
       s.momentum_form = MomentumForm::velocity;
       s.decay_style = DecayStyle::decoupled;
     }},
    {"tensorflow", "tensorflow/python/training/momentum.py (MomentumOptimizer) and the ApplyMomentum kernel in "
                   "tensorflow/core/kernels/training_ops.cc, TF 2.x compat.v1: accum <- mu accum + g, "
                   "var -= lr accum; no defaults (gradref: lr 0.01)",
     [](Sgd& s) {
       s = Sgd{};
       s.lr = 0.01;
     }},
    {"onnx", "onnx/defs/training/defs.cc (Momentum) and onnx/reference/ops/aionnx_preview_training/op_momentum.py, ONNX 1.23.0: "
             "V <- alpha V + beta G' (V <- G' when T = 0), G' = G + norm_coefficient X; dampening = 1 - beta; "
             "no defaults (gradref: lr 0.01, alpha 0.9, beta 1)",
     [](Sgd& s) {
       s = Sgd{};
       s.lr = 0.01;
       s.momentum = 0.9;
     }},
    {"textbook", "Goodfellow, Bengio & Courville, Deep Learning (2016), Algorithms 8.1 and 8.2: v <- alpha v - "
                 "eps g, theta <- theta + v (gradref: eps 0.01, alpha 0.9)",
     [](Sgd& s) {
       s = Sgd{};
       s.lr = 0.01;
       s.momentum = 0.9;
       s.momentum_form = MomentumForm::velocity;
     }},
}};
inline const auto& presets_of(const Sgd*) { return sgd_presets; }

}  // namespace gradref::spec
