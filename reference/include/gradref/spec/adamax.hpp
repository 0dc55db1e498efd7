#pragma once
// Adamax: Adam with the infinity norm in place of the second moment (Kingma & Ba
// 2015, section 7.1, Algorithm 2):
//
//   g <- (maximize ? -grad : grad)
//   decoupled decay: theta <- theta - (lr wd) theta        coupled (L2): g <- g + wd theta
//   m <- beta1 m + (1 - beta1) g
//   in_max:      u <- max(beta2 u, |g| + eps);  theta <- theta - lr / (1 - beta1^t) * (m / u)
//   denominator: u <- max(beta2 u, |g|);        theta <- theta - lr / (1 - beta1^t) * (m / (u + eps))
// Only m is bias-corrected; u never is.
#include <array>
#include <vector>

#include "gradref/spec/decay_styles.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

enum class AdamaxEps { in_max, denominator };

struct Adamax {
  static constexpr const char* op = "adamax";

  double lr = 2e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  AdamaxEps eps_placement = AdamaxEps::in_max;
  double weight_decay = 0.0;
  DecayStyle decay_style = DecayStyle::coupled;
  bool maximize = false;

  template <class V>
  void describe(V& v) {
    v.number("lr", lr, "learning rate; >= 0");
    v.number("beta1", beta1, "decay of the first moment m; in [0, 1)");
    v.number("beta2", beta2, "decay of the infinity norm u; in [0, 1)");
    v.number("eps", eps, "see eps_placement; >= 0");
    v.choice("eps_placement", eps_placement,
             std::array{Alternative<AdamaxEps>{"in_max", AdamaxEps::in_max},
                        Alternative<AdamaxEps>{"denominator", AdamaxEps::denominator}},
             "in_max: u = max(beta2 u, |g| + eps) (PyTorch, optax); denominator: u = max(beta2 u, |g|), "
             "divide by u + eps (Keras, TF ApplyAdaMax)");
    v.number("weight_decay", weight_decay, "decay factor wd; >= 0");
    v.choice("decay_style", decay_style, decay_styles,
             "coupled: g += wd theta (PyTorch); decoupled: theta -= lr wd theta before the step (Keras, optax "
             "adamaxw)");
    v.flag("maximize", maximize, "gradient ascent: step along +grad");
  }
};

inline void validate(const Adamax& s) {
  require_finite_at_least(s.lr, 0.0, Adamax::op, "lr", "a finite number >= 0");
  require_in_unit_interval(s.beta1, Adamax::op, "beta1");
  require_in_unit_interval(s.beta2, Adamax::op, "beta2");
  require_finite_at_least(s.eps, 0.0, Adamax::op, "eps", "a finite number >= 0");
  require_finite_at_least(s.weight_decay, 0.0, Adamax::op, "weight_decay", "a finite number >= 0");
}

inline std::vector<const char*> slots(const Adamax&) { return {"exp_avg", "exp_inf"}; }

inline constexpr std::array<Preset<Adamax>, 5> adamax_presets{{
    {"pytorch", "torch/optim/adamax.py (_single_tensor_adamax), PyTorch 2.15.0: lr 2e-3, betas (0.9, 0.999), eps 1e-8 "
                "inside the max, coupled weight decay",
     [](Adamax& s) { s = Adamax{}; }},
    {"optax", "optax/_src/alias.py (adamax; adamaxw adds add_decayed_weights before the lr) and transform.py "
              "(scale_by_adamax), optax 0.2.9.dev (2edbcbe): no default lr (gradref: 2e-3), b1 0.9, b2 0.999, eps "
              "1e-8 inside the max; adamaxw's decay is decoupled",
     [](Adamax& s) {
       s = Adamax{};
       s.decay_style = DecayStyle::decoupled;
     }},
    {"keras", "keras/src/optimizers/adamax.py and base_optimizer.py (_apply_weight_decay), Keras 3.16.0: lr 1e-3, "
              "beta_1 0.9, beta_2 0.999, epsilon 1e-7 added to u in the denominator, decoupled decay",
     [](Adamax& s) {
       s = Adamax{};
       s.lr = 1e-3;
       s.eps = 1e-7;
       s.eps_placement = AdamaxEps::denominator;
       s.decay_style = DecayStyle::decoupled;
     }},
    {"tensorflow", "ApplyAdaMax kernel in tensorflow/core/kernels/training_ops.cc (no TF1 Python class): "
                   "v = max(beta2 v, |g|), var -= lr / (1 - beta1_power) * (m / (v + epsilon)); the raw op has no "
                   "defaults (gradref: Keras's lr 1e-3, epsilon 1e-7)",
     [](Adamax& s) {
       s = Adamax{};
       s.lr = 1e-3;
       s.eps = 1e-7;
       s.eps_placement = AdamaxEps::denominator;
     }},
    {"textbook", "Kingma & Ba, Adam: A Method for Stochastic Optimization (ICLR 2015), section 7.1, Algorithm 2: "
                 "alpha 0.002, beta1 0.9, beta2 0.999, u_t = max(beta2 u, |g|), no eps",
     [](Adamax& s) {
       s = Adamax{};
       s.eps = 0.0;
       s.eps_placement = AdamaxEps::denominator;
     }},
}};
inline const auto& presets_of(const Adamax*) { return adamax_presets; }

}  // namespace gradref::spec
