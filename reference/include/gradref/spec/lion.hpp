#pragma once
// Lion: evolved sign momentum (Chen et al. 2023, Algorithm 2):
//
//   g <- (maximize ? -grad : grad)
//   theta <- theta - (lr wd) theta                         (decay, when wd > 0)
//   c = (1 - beta1) g + beta1 m
//   theta <- theta - lr sign(c)                            sign(0) = 0
//   m <- (1 - beta2) g + beta2 m
// Chen et al. and optax write theta <- theta - lr (sign(c) + wd theta) and Keras
// decays first, theta - theta wd lr: the same real numbers; gradref decays first.
#include <array>
#include <vector>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

struct Lion {
  static constexpr const char* op = "lion";

  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.99;
  double weight_decay = 0.0;
  bool maximize = false;

  template <class V>
  void describe(V& v) {
    v.number("lr", lr, "learning rate; >= 0");
    v.number("beta1", beta1, "interpolation c = (1 - beta1) g + beta1 m whose sign is the step; in [0, 1]");
    v.number("beta2", beta2, "decay of the momentum m; in [0, 1]");
    v.number("weight_decay", weight_decay, "decoupled decay wd, multiplied by lr: theta -= lr wd theta; >= 0");
    v.flag("maximize", maximize, "gradient ascent: step along +grad");
  }
};

inline void validate(const Lion& s) {
  require_finite_at_least(s.lr, 0.0, Lion::op, "lr", "a finite number >= 0");
  require(s.beta1 >= 0.0 && s.beta1 <= 1.0, Lion::op, "beta1", format_double(s.beta1), "a number in [0, 1]");
  require(s.beta2 >= 0.0 && s.beta2 <= 1.0, Lion::op, "beta2", format_double(s.beta2), "a number in [0, 1]");
  require_finite_at_least(s.weight_decay, 0.0, Lion::op, "weight_decay", "a finite number >= 0");
}

inline std::vector<const char*> slots(const Lion&) { return {"exp_avg"}; }

inline constexpr std::array<Preset<Lion>, 3> lion_presets{{
    {"optax", "optax/_src/alias.py (lion = chain(scale_by_lion, add_decayed_weights, scale_by_learning_rate)) and "
              "transform.py (scale_by_lion, mode 'hard'), optax 0.2.9.dev (2edbcbe): no default lr (gradref: 1e-4), "
              "b1 0.9, b2 0.99, weight_decay 1e-3",
     [](Lion& s) {
       s = Lion{};
       s.lr = 1e-4;
       s.weight_decay = 1e-3;
     }},
    {"keras", "keras/src/optimizers/lion.py and base_optimizer.py (_apply_weight_decay), Keras 3.16.0: lr 1e-3, "
              "beta_1 0.9, beta_2 0.99, weight_decay None",
     [](Lion& s) { s = Lion{}; }},
    {"textbook", "Chen et al., Symbolic Discovery of Optimization Algorithms (NeurIPS 2023), Algorithm 2: "
                 "beta1 0.9, beta2 0.99 (gradref: lr 1e-4, lambda 0)",
     [](Lion& s) {
       s = Lion{};
       s.lr = 1e-4;
     }},
}};
inline const auto& presets_of(const Lion*) { return lion_presets; }

}  // namespace gradref::spec
