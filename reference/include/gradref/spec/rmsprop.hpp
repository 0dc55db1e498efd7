#pragma once
// RMSProp (Tieleman & Hinton 2012), centered (Graves 2013) and with momentum, with
// the conventions frameworks disagree on as fields:
//
//   g    <- (maximize ? -grad : grad)
//   decoupled decay: theta <- theta - (lr wd) theta        coupled (L2): g <- g + wd theta
//   v    <- rho v + (1 - rho) g^2
//   gbar <- rho gbar + (1 - rho) g                          (centered)
//   bc = 1 - rho^t with bias_correction (optax), else 1;  v_hat = v / bc, gbar_hat = gbar / bc
//   w = v_hat - gbar_hat^2 (centered) or v_hat
//   denom = sqrt(w) + eps (outside) or sqrt(w + eps) (inside)
//   no momentum: theta <- theta - lr g / denom
//   heavy_ball:  b <- mu b + g / denom;      theta <- theta - lr (nesterov ? g / denom + mu b : b)
//   lr_inside:   m <- mu m + lr g / denom;   theta <- theta - (nesterov ? lr g / denom + mu m : m)
//   velocity:    u <- mu u - lr g / denom;   theta <- theta + (nesterov ? mu u - lr g / denom : u)
// lr_inside and velocity give the same parameters (u = -m); they are different
// states. heavy_ball gives them too while lr is constant (m = lr b).
#include <array>
#include <vector>

#include "gradref/spec/accumulator_rule.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

enum class RmspropMomentum { heavy_ball, lr_inside, velocity };

struct Rmsprop {
  static constexpr const char* op = "rmsprop";

  double lr = 1e-2;
  double rho = 0.99;
  double eps = 1e-8;
  RootEps eps_placement = RootEps::outside;
  bool centered = false;
  double momentum = 0.0;
  RmspropMomentum momentum_form = RmspropMomentum::heavy_ball;
  bool nesterov = false;
  bool bias_correction = false;
  double weight_decay = 0.0;
  DecayStyle decay_style = DecayStyle::coupled;
  bool maximize = false;

  template <class V>
  void describe(V& v) {
    v.number("lr", lr, "learning rate; >= 0");
    v.number("rho", rho, "decay of the square average (PyTorch alpha, Keras rho, optax/TF1 decay); in [0, 1]");
    v.number("eps", eps, "added to the denominator; >= 0");
    v.choice("eps_placement", eps_placement, root_eps_placements,
             "outside: sqrt(w) + eps (PyTorch; optax eps_in_sqrt=False); inside: sqrt(w + eps) (optax, Keras, TF1, "
             "Goodfellow et al.)");
    v.flag("centered", centered, "divide by sqrt(v - gbar^2), gbar the average gradient (Graves 2013)");
    v.number("momentum", momentum, "momentum factor mu; in [0, 1); 0 = no momentum state");
    v.choice("momentum_form", momentum_form,
             std::array{Alternative<RmspropMomentum>{"heavy_ball", RmspropMomentum::heavy_ball},
                        Alternative<RmspropMomentum>{"lr_inside", RmspropMomentum::lr_inside},
                        Alternative<RmspropMomentum>{"velocity", RmspropMomentum::velocity}},
             "heavy_ball: b <- mu b + g/d, theta -= lr b (PyTorch); lr_inside: m <- mu m + lr g/d, theta -= m "
             "(Keras, TF1); velocity: u <- mu u - lr g/d, theta += u (optax trace after the lr)");
    v.flag("nesterov", nesterov, "Nesterov momentum in the reformulated form (optax trace nesterov; needs momentum > 0)");
    v.flag("bias_correction", bias_correction, "divide v and gbar by 1 - rho^t (optax bias_correction; needs rho < 1)");
    v.number("weight_decay", weight_decay, "decay factor wd; >= 0");
    v.choice("decay_style", decay_style, decay_styles,
             "coupled: g += wd theta (L2; PyTorch); decoupled: theta -= lr wd theta before the step (Keras)");
    v.flag("maximize", maximize, "gradient ascent: step along +grad");
  }
};

inline void validate(const Rmsprop& s) {
  require_finite_at_least(s.lr, 0.0, Rmsprop::op, "lr", "a finite number >= 0");
  require(s.rho >= 0.0 && s.rho <= 1.0, Rmsprop::op, "rho", format_double(s.rho), "a number in [0, 1]");
  require_finite_at_least(s.eps, 0.0, Rmsprop::op, "eps", "a finite number >= 0");
  require_in_unit_interval(s.momentum, Rmsprop::op, "momentum");
  require_finite_at_least(s.weight_decay, 0.0, Rmsprop::op, "weight_decay", "a finite number >= 0");
  if (s.nesterov)
    require(s.momentum > 0.0, Rmsprop::op, "momentum", format_double(s.momentum), "> 0 when nesterov is true");
  if (s.bias_correction)
    require(s.rho < 1.0, Rmsprop::op, "rho", format_double(s.rho), "< 1 when bias_correction is true (1 - rho^t = 0)");
}

/// The state arrays: the square average, then gbar (centered), then the momentum
/// state (momentum > 0), named after its form.
inline std::vector<const char*> slots(const Rmsprop& s) {
  std::vector<const char*> out{"square_avg"};
  if (s.centered) out.push_back("grad_avg");
  if (s.momentum != 0.0) {
    switch (s.momentum_form) {
      case RmspropMomentum::heavy_ball: out.push_back("momentum_buffer"); break;
      case RmspropMomentum::lr_inside: out.push_back("momentum"); break;
      case RmspropMomentum::velocity: out.push_back("velocity"); break;
    }
  }
  return out;
}

// Each preset starts from the defaults above and sets every field the framework fixes.
inline constexpr std::array<Preset<Rmsprop>, 5> rmsprop_presets{{
    {"pytorch", "torch/optim/rmsprop.py (_single_tensor_rmsprop), PyTorch 2.15.0: lr 1e-2, alpha 0.99, eps 1e-8 "
                "outside the root, momentum buffer of g / denom with lr outside, coupled weight decay",
     [](Rmsprop& s) { s = Rmsprop{}; }},
    {"optax", "optax/_src/alias.py (rmsprop), transform.py (scale_by_rms, scale_by_stddev) and "
              "transforms/_accumulation.py (trace), optax 0.2.9.dev (2edbcbe): decay 0.9, eps 1e-8 inside "
              "(eps_in_sqrt), momentum None, trace after scale_by_learning_rate, bias_correction False, "
              "initial_scale 0 (the caller's v); no default lr (gradref: 1e-2), no weight decay",
     [](Rmsprop& s) {
       s = Rmsprop{};
       s.rho = 0.9;
       s.eps_placement = RootEps::inside;
       s.momentum_form = RmspropMomentum::velocity;
     }},
    {"keras", "keras/src/optimizers/rmsprop.py and base_optimizer.py (_apply_weight_decay), Keras 3.16.0: lr 1e-3, "
              "rho 0.9, momentum 0, epsilon 1e-7 inside the root, momentum of lr g / denom, decoupled decay",
     [](Rmsprop& s) {
       s = Rmsprop{};
       s.lr = 1e-3;
       s.rho = 0.9;
       s.eps = 1e-7;
       s.eps_placement = RootEps::inside;
       s.momentum_form = RmspropMomentum::lr_inside;
       s.decay_style = DecayStyle::decoupled;
     }},
    {"tensorflow", "tensorflow/python/training/rmsprop.py (RMSPropOptimizer) and the ApplyRMSProp / "
                   "ApplyCenteredRMSProp kernels in tensorflow/core/kernels/training_ops.cc, TF 2.x compat.v1: "
                   "decay 0.9, momentum 0, epsilon 1e-10 inside the root, mom <- mu mom + lr g / denom, the rms slot "
                   "starts at ONES (the caller's v); no default lr (gradref: 1e-3)",
     [](Rmsprop& s) {
       s = Rmsprop{};
       s.lr = 1e-3;
       s.rho = 0.9;
       s.eps = 1e-10;
       s.eps_placement = RootEps::inside;
       s.momentum_form = RmspropMomentum::lr_inside;
     }},
    {"textbook", "Goodfellow, Bengio & Courville, Deep Learning (2016), Algorithm 8.5: r <- rho r + (1 - rho) g g, "
                 "theta <- theta - eps / sqrt(delta + r) g, delta 1e-6 (gradref: eps 1e-2, rho 0.9)",
     [](Rmsprop& s) {
       s = Rmsprop{};
       s.rho = 0.9;
       s.eps = 1e-6;
       s.eps_placement = RootEps::inside;
     }},
}};
inline const auto& presets_of(const Rmsprop*) { return rmsprop_presets; }

}  // namespace gradref::spec
