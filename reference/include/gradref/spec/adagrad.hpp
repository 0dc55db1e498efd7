#pragma once
// AdaGrad (Duchi, Hazan & Singer 2011) with the conventions frameworks disagree on
// as fields:
//
//   g   <- (maximize ? -grad : grad)
//   t   <- step + 1;  clr = lr / (1 + (t - 1) lr_decay)     (PyTorch; ONNX's R / (1 + T decay))
//   decoupled decay: theta <- theta - (clr wd) theta        coupled (L2): g <- g + wd theta
//   S   <- S + g^2
//   eps outside: theta <- theta - clr g / (sqrt(S) + eps)
//   eps inside:  theta <- theta - clr g / sqrt(S + eps)
//   zero_guard:  the update is 0 where S = 0 (optax's scale_by_rss)
// TF1's ApplyAdagrad (rsqrt(S), no eps) is eps = 0 in either placement.
#include <array>
#include <vector>

#include "gradref/spec/accumulator_rule.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

struct Adagrad {
  static constexpr const char* op = "adagrad";

  double lr = 1e-2;
  double lr_decay = 0.0;
  double eps = 1e-10;
  RootEps eps_placement = RootEps::outside;
  double initial_accumulator_value = 0.0;
  bool zero_guard = false;
  double weight_decay = 0.0;
  DecayStyle decay_style = DecayStyle::coupled;
  bool maximize = false;

  template <class V>
  void describe(V& v) {
    v.number("lr", lr, "learning rate; >= 0");
    v.number("lr_decay", lr_decay,
             "step t (1-based) uses lr / (1 + (t - 1) lr_decay) (PyTorch lr_decay, ONNX decay_factor); >= 0");
    v.number("eps", eps, "added to the denominator; >= 0 (0: TF1's ApplyAdagrad, rsqrt(S))");
    v.choice("eps_placement", eps_placement, root_eps_placements,
             "outside: sqrt(S) + eps (PyTorch, ONNX, Goodfellow et al.); inside: sqrt(S + eps) (optax, Keras)");
    v.number("initial_accumulator_value", initial_accumulator_value,
             "the S a fresh optimizer starts from (the caller passes S; this records the framework's value); >= 0, "
             "> 0 when eps = 0 without zero_guard (TF1)");
    v.flag("zero_guard", zero_guard, "the update is 0 where S = 0 (optax scale_by_rss: where(S > 0, rsqrt(S + eps), 0))");
    v.number("weight_decay", weight_decay, "decay factor wd; >= 0");
    v.choice("decay_style", decay_style, decay_styles,
             "coupled: g += wd theta (L2; PyTorch, ONNX); decoupled: theta -= clr wd theta before the step (Keras)");
    v.flag("maximize", maximize, "gradient ascent: step along +grad");
  }
};

inline void validate(const Adagrad& s) {
  require_finite_at_least(s.lr, 0.0, Adagrad::op, "lr", "a finite number >= 0");
  require_finite_at_least(s.lr_decay, 0.0, Adagrad::op, "lr_decay", "a finite number >= 0");
  require_finite_at_least(s.eps, 0.0, Adagrad::op, "eps", "a finite number >= 0");
  require_finite_at_least(s.initial_accumulator_value, 0.0, Adagrad::op, "initial_accumulator_value",
                          "a finite number >= 0");
  if (s.eps == 0.0 && !s.zero_guard)
    require(s.initial_accumulator_value > 0.0, Adagrad::op, "initial_accumulator_value",
            format_double(s.initial_accumulator_value),
            "> 0 when eps = 0 and zero_guard is false (a zero accumulator would divide 0 by 0)");
  require_finite_at_least(s.weight_decay, 0.0, Adagrad::op, "weight_decay", "a finite number >= 0");
}

/// The state array: the sum of squared gradients S.
inline std::vector<const char*> slots(const Adagrad&) { return {"sum"}; }

// Each preset starts from the defaults above and sets every field the framework fixes.
inline constexpr std::array<Preset<Adagrad>, 6> adagrad_presets{{
    {"pytorch", "torch/optim/adagrad.py (_single_tensor_adagrad), PyTorch 2.15.0: lr 1e-2, lr_decay 0, "
                "initial_accumulator_value 0, eps 1e-10 outside the root, coupled weight decay",
     [](Adagrad& s) { s = Adagrad{}; }},
    {"optax", "optax/_src/alias.py (adagrad) and transform.py (scale_by_rss), optax 0.2.9.dev (2edbcbe): "
              "initial_accumulator_value 0.1, eps 1e-7 inside (rsqrt(S + eps)), 0 where S = 0; no default lr "
              "(gradref: 1e-2), no weight decay",
     [](Adagrad& s) {
       s = Adagrad{};
       s.eps = 1e-7;
       s.eps_placement = RootEps::inside;
       s.initial_accumulator_value = 0.1;
       s.zero_guard = true;
     }},
    {"keras", "keras/src/optimizers/adagrad.py and base_optimizer.py (_apply_weight_decay), Keras 3.16.0: lr 1e-3, "
              "initial_accumulator_value 0.1, epsilon 1e-7 inside the root, decoupled decay",
     [](Adagrad& s) {
       s = Adagrad{};
       s.lr = 1e-3;
       s.eps = 1e-7;
       s.eps_placement = RootEps::inside;
       s.initial_accumulator_value = 0.1;
       s.decay_style = DecayStyle::decoupled;
     }},
    {"tensorflow", "tensorflow/python/training/adagrad.py (AdagradOptimizer) and the ApplyAdagrad kernel in "
                   "tensorflow/core/kernels/training_ops.cc, TF 2.x compat.v1: var -= lr grad rsqrt(accum), no eps, "
                   "initial_accumulator_value 0.1 (must be > 0); no default lr (gradref: 1e-2)",
     [](Adagrad& s) {
       s = Adagrad{};
       s.eps = 0.0;
       s.eps_placement = RootEps::inside;
       s.initial_accumulator_value = 0.1;
     }},
    {"onnx", "onnx/defs/training/defs.cc (Adagrad) and onnx/reference/ops/aionnx_preview_training/op_adagrad.py, "
             "ONNX 1.23.0: r = R / (1 + T decay_factor), G += norm_coefficient X, sqrt(H) + epsilon, epsilon 1e-6; "
             "R is an input (gradref: lr 1e-2), H is the caller's (gradref: 0)",
     [](Adagrad& s) {
       s = Adagrad{};
       s.eps = 1e-6;
     }},
    {"textbook", "Goodfellow, Bengio & Courville, Deep Learning (2016), Algorithm 8.4: r <- r + g g, "
                 "theta <- theta - eps / (delta + sqrt(r)) g, delta 1e-7, r = 0 (gradref: eps 1e-2)",
     [](Adagrad& s) {
       s = Adagrad{};
       s.eps = 1e-7;
     }},
}};
inline const auto& presets_of(const Adagrad*) { return adagrad_presets; }

}  // namespace gradref::spec
