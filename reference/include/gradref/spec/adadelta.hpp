#pragma once
// Adadelta (Zeiler 2012) with the conventions frameworks disagree on as fields:
//
//   g     <- (maximize ? -grad : grad)
//   decoupled decay: theta <- theta - (lr wd) theta        coupled (L2): g <- g + wd theta
//   v     <- rho v + (1 - rho) g^2
//   delta =  (sqrt(u + eps) / sqrt(v + eps)) g
//   u     <- rho u + (1 - rho) delta^2                      (delta before any lr)
//   theta <- theta - lr delta,  or theta + delta with lr_none (optax learning_rate=None:
//            no scaling and no sign flip, so the step goes up the gradient)
#include <array>
#include <vector>

#include "gradref/spec/accumulator_rule.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

struct Adadelta {
  static constexpr const char* op = "adadelta";

  double lr = 1.0;
  bool lr_none = false;
  double rho = 0.9;
  double eps = 1e-6;
  double weight_decay = 0.0;
  DecayStyle decay_style = DecayStyle::coupled;
  bool maximize = false;

  template <class V>
  void describe(V& v) {
    v.number("lr", lr, "learning rate; >= 0 (not used with lr_none)");
    v.flag("lr_none", lr_none,
           "optax learning_rate=None: theta <- theta + delta (no lr, no sign flip: ascent along grad)");
    v.number("rho", rho, "decay of both averages; in [0, 1]");
    v.number("eps", eps, "added inside both roots; >= 0");
    v.number("weight_decay", weight_decay, "decay factor wd; >= 0");
    v.choice("decay_style", decay_style, decay_styles,
             "coupled: g += wd theta (L2; PyTorch, optax); decoupled: theta -= lr wd theta before the step (Keras)");
    v.flag("maximize", maximize, "gradient ascent: negate grad first");
  }
};

inline void validate(const Adadelta& s) {
  require_finite_at_least(s.lr, 0.0, Adadelta::op, "lr", "a finite number >= 0");
  require(s.rho >= 0.0 && s.rho <= 1.0, Adadelta::op, "rho", format_double(s.rho), "a number in [0, 1]");
  require_finite_at_least(s.eps, 0.0, Adadelta::op, "eps", "a finite number >= 0");
  require_finite_at_least(s.weight_decay, 0.0, Adadelta::op, "weight_decay", "a finite number >= 0");
  if (s.lr_none && s.weight_decay != 0.0)
    require(s.decay_style == DecayStyle::coupled, Adadelta::op, "decay_style", "decoupled",
            "coupled when lr_none is true (decoupled decay is scaled by lr)");
}

/// The state arrays: the averages of g^2 (v) and of delta^2 (u).
inline std::vector<const char*> slots(const Adadelta&) { return {"square_avg", "acc_delta"}; }

// Each preset starts from the defaults above and sets every field the framework fixes.
inline constexpr std::array<Preset<Adadelta>, 5> adadelta_presets{{
    {"pytorch", "torch/optim/adadelta.py (_single_tensor_adadelta), PyTorch 2.15.0: lr 1.0, rho 0.9, eps 1e-6, "
                "coupled weight decay",
     [](Adadelta& s) { s = Adadelta{}; }},
    {"optax", "optax/_src/alias.py (adadelta) and transform.py (scale_by_adadelta), optax 0.2.9.dev (2edbcbe): "
              "learning_rate None (scale_by_learning_rate(None) is the identity: no scaling, no sign flip), rho 0.9, "
              "eps 1e-6, weight_decay 0 added to g before the rule",
     [](Adadelta& s) {
       s = Adadelta{};
       s.lr_none = true;
     }},
    {"keras", "keras/src/optimizers/adadelta.py and base_optimizer.py (_apply_weight_decay), Keras 3.16.0: lr 1e-3, "
              "rho 0.95, epsilon 1e-7, decoupled decay",
     [](Adadelta& s) {
       s = Adadelta{};
       s.lr = 1e-3;
       s.rho = 0.95;
       s.eps = 1e-7;
       s.decay_style = DecayStyle::decoupled;
     }},
    {"tensorflow", "tensorflow/python/training/adadelta.py (AdadeltaOptimizer) and the ApplyAdadelta kernel in "
                   "tensorflow/core/kernels/training_ops.cc, TF 2.x compat.v1: lr 1e-3, rho 0.95, epsilon 1e-8",
     [](Adadelta& s) {
       s = Adadelta{};
       s.lr = 1e-3;
       s.rho = 0.95;
       s.eps = 1e-8;
     }},
    {"textbook", "Zeiler, ADADELTA: An Adaptive Learning Rate Method (2012), Algorithm 1: x <- x + dx, "
                 "dx = -RMS[dx]_{t-1} / RMS[g]_t g, no learning rate (lr 1); rho 0.95, eps 1e-6 as in its "
                 "experiments (Goodfellow et al. have no Adadelta algorithm)",
     [](Adadelta& s) {
       s = Adadelta{};
       s.rho = 0.95;
     }},
}};
inline const auto& presets_of(const Adadelta*) { return adadelta_presets; }

}  // namespace gradref::spec
