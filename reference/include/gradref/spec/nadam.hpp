#pragma once
// NAdam: Adam with Nesterov momentum (Dozat 2016), with PyTorch's and Keras's
// momentum schedule and optax's constant-momentum form as one rule:
//
//   g <- (maximize ? -grad : grad)
//   decoupled decay: theta <- theta - (lr wd) theta        coupled (L2): g <- g + wd theta
//   m <- beta1 m + (1 - beta1) g ;  v <- beta2 v + (1 - beta2) g^2
//   dozat:    mu_t = beta1 (1 - 0.5 * 0.96^(t psi)),  Pi_t = Pi_{t-1} mu_t (scalar state
//             mu_product, 1 before the first step), Pi_{t+1} = Pi_t mu_{t+1}
//   constant: mu_t = beta1, Pi_t = beta1^t                  (optax: adam(nesterov=True))
//   theta <- theta - lr [(1 - mu_t) / (1 - Pi_t) g + mu_{t+1} / (1 - Pi_{t+1}) m]
//                       / (sqrt(v / (1 - beta2^t) + eps_root) + eps)
// PyTorch's psi (momentum_decay) is 0.004; Keras's schedule is 0.96^t, i.e. psi = 1.
#include <array>
#include <vector>

#include "gradref/spec/decay_styles.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

enum class MomentumSchedule { dozat, constant };

struct Nadam {
  static constexpr const char* op = "nadam";

  double lr = 2e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double eps_root = 0.0;
  MomentumSchedule momentum_schedule = MomentumSchedule::dozat;
  double momentum_decay = 4e-3;
  double weight_decay = 0.0;
  DecayStyle decay_style = DecayStyle::coupled;
  bool maximize = false;

  template <class V>
  void describe(V& v) {
    v.number("lr", lr, "learning rate; >= 0");
    v.number("beta1", beta1, "decay of the first moment m (and the scale of the momentum schedule); in [0, 1)");
    v.number("beta2", beta2, "decay of the second moment v; in [0, 1)");
    v.number("eps", eps, "added to the denominator, outside the root; >= 0");
    v.number("eps_root", eps_root, "added to v / (1 - beta2^t) inside the root (optax); >= 0");
    v.choice("momentum_schedule", momentum_schedule,
             std::array{Alternative<MomentumSchedule>{"dozat", MomentumSchedule::dozat},
                        Alternative<MomentumSchedule>{"constant", MomentumSchedule::constant}},
             "dozat: mu_t = beta1 (1 - 0.5 * 0.96^(t momentum_decay)) with the product carried as mu_product "
             "(PyTorch, Keras); constant: mu_t = beta1, product beta1^t (optax)");
    v.number("momentum_decay", momentum_decay,
             "psi of the dozat schedule: 0.004 (PyTorch), 1 (Keras: 0.96^t); finite, >= 0");
    v.number("weight_decay", weight_decay, "decay factor wd; >= 0");
    v.choice("decay_style", decay_style, decay_styles,
             "coupled: g += wd theta (PyTorch's default); decoupled: theta -= lr wd theta before the step "
             "(PyTorch decoupled_weight_decay=True, Keras, optax nadamw)");
    v.flag("maximize", maximize, "gradient ascent: step along +grad");
  }
};

inline void validate(const Nadam& s) {
  require_finite_at_least(s.lr, 0.0, Nadam::op, "lr", "a finite number >= 0");
  require_in_unit_interval(s.beta1, Nadam::op, "beta1");
  require_in_unit_interval(s.beta2, Nadam::op, "beta2");
  require_finite_at_least(s.eps, 0.0, Nadam::op, "eps", "a finite number >= 0");
  require_finite_at_least(s.eps_root, 0.0, Nadam::op, "eps_root", "a finite number >= 0");
  require_finite_at_least(s.momentum_decay, 0.0, Nadam::op, "momentum_decay", "a finite number >= 0");
  require_finite_at_least(s.weight_decay, 0.0, Nadam::op, "weight_decay", "a finite number >= 0");
}

inline std::vector<const char*> slots(const Nadam&) { return {"exp_avg", "exp_avg_sq"}; }

/// The dozat schedule carries the product of the momentum factors (PyTorch's
/// mu_product, Keras's _u_product): 1 before the first step.
inline std::vector<const char*> scalar_slots(const Nadam& s) {
  if (s.momentum_schedule == MomentumSchedule::constant) return {};
  return {"mu_product"};
}

inline constexpr std::array<Preset<Nadam>, 3> nadam_presets{{
    {"pytorch", "torch/optim/nadam.py (_single_tensor_nadam), PyTorch 2.15.0: lr 2e-3, betas (0.9, 0.999), eps 1e-8, "
                "momentum_decay 4e-3, decoupled_weight_decay False",
     [](Nadam& s) { s = Nadam{}; }},
    {"optax", "optax/_src/alias.py (nadam = partial(adam, nesterov=True); nadamw = partial(adamw, nesterov=True)) "
              "and transform.py (scale_by_adam), optax 0.2.9.dev (2edbcbe): no default lr (gradref: 1e-3), b1 0.9, "
              "b2 0.999, eps 1e-8, eps_root 0; nadamw's decay is decoupled",
     [](Nadam& s) {
       s = Nadam{};
       s.lr = 1e-3;
       s.momentum_schedule = MomentumSchedule::constant;
       s.decay_style = DecayStyle::decoupled;
     }},
    {"keras", "keras/src/optimizers/nadam.py and base_optimizer.py (_apply_weight_decay), Keras 3.16.0: lr 1e-3, "
              "beta_1 0.9, beta_2 0.999, epsilon 1e-7, u_t = beta_1 (1 - 0.5 * 0.96^t), decoupled decay",
     [](Nadam& s) {
       s = Nadam{};
       s.lr = 1e-3;
       s.eps = 1e-7;
       s.momentum_decay = 1.0;
       s.decay_style = DecayStyle::decoupled;
     }},
}};
inline const auto& presets_of(const Nadam*) { return nadam_presets; }

}  // namespace gradref::spec
