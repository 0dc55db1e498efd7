#pragma once
// RAdam: Adam with the variance of its adaptive step rectified (Liu et al. 2020):
//
//   g <- (maximize ? -grad : grad)
//   decoupled decay: theta <- theta - (lr wd) theta        coupled (L2): g <- g + wd theta
//   m <- beta1 m + (1 - beta1) g ;  v <- beta2 v + (1 - beta2) g^2
//   rho_inf = 2 / (1 - beta2) - 1,  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
//   rectified when rho_t > threshold (strict) or rho_t >= threshold (inclusive):
//     r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
//     raw:       theta <- theta - lr r_t sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)
//     corrected: theta <- theta - lr r_t / (1 - beta1^t) * m / (sqrt(v / (1 - beta2^t) + eps_root) + eps)
//   otherwise: theta <- theta - lr / (1 - beta1^t) * m
// The branch is decided on the exact rho_t.
#include <array>
#include <vector>

#include "gradref/spec/decay_styles.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

enum class RadamEps { raw, corrected };
enum class ThresholdTest { strict, inclusive };

struct Radam {
  static constexpr const char* op = "radam";

  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double eps_root = 0.0;
  RadamEps eps_placement = RadamEps::raw;
  double threshold = 5.0;
  ThresholdTest threshold_test = ThresholdTest::strict;
  double weight_decay = 0.0;
  DecayStyle decay_style = DecayStyle::coupled;
  bool maximize = false;

  template <class V>
  void describe(V& v) {
    v.number("lr", lr, "learning rate; >= 0");
    v.number("beta1", beta1, "decay of the first moment m; in [0, 1)");
    v.number("beta2", beta2, "decay of the second moment v; in [0, 1)");
    v.number("eps", eps, "added to the denominator of the rectified step; >= 0");
    v.number("eps_root", eps_root, "added to v / (1 - beta2^t) inside the root (optax; eps_placement corrected); >= 0");
    v.choice("eps_placement", eps_placement,
             std::array{Alternative<RadamEps>{"raw", RadamEps::raw},
                        Alternative<RadamEps>{"corrected", RadamEps::corrected}},
             "raw: sqrt(1 - beta2^t) / (sqrt(v) + eps) (PyTorch); corrected: 1 / (sqrt(v / (1 - beta2^t) + eps_root) "
             "+ eps) (optax)");
    v.number("threshold", threshold,
             "rectify when rho_t passes it: 5 (PyTorch, optax), 4 (Liu et al.); finite (below 4 the rectifier can be "
             "NaN, as in optax)");
    v.choice("threshold_test", threshold_test,
             std::array{Alternative<ThresholdTest>{"strict", ThresholdTest::strict},
                        Alternative<ThresholdTest>{"inclusive", ThresholdTest::inclusive}},
             "strict: rho_t > threshold (PyTorch, Liu et al.); inclusive: rho_t >= threshold (optax)");
    v.number("weight_decay", weight_decay, "decay factor wd; >= 0");
    v.choice("decay_style", decay_style, decay_styles,
             "coupled: g += wd theta (PyTorch's default); decoupled: theta -= lr wd theta before the step "
             "(PyTorch decoupled_weight_decay=True)");
    v.flag("maximize", maximize, "gradient ascent: step along +grad");
  }
};

inline void validate(const Radam& s) {
  require_finite_at_least(s.lr, 0.0, Radam::op, "lr", "a finite number >= 0");
  require_in_unit_interval(s.beta1, Radam::op, "beta1");
  require_in_unit_interval(s.beta2, Radam::op, "beta2");
  require_finite_at_least(s.eps, 0.0, Radam::op, "eps", "a finite number >= 0");
  require_finite_at_least(s.eps_root, 0.0, Radam::op, "eps_root", "a finite number >= 0");
  require(std::isfinite(s.threshold), Radam::op, "threshold", format_double(s.threshold), "a finite number");
  require_finite_at_least(s.weight_decay, 0.0, Radam::op, "weight_decay", "a finite number >= 0");
  if (s.eps_placement == RadamEps::raw)
    require(s.eps_root == 0.0, Radam::op, "eps_root", format_double(s.eps_root),
            "0 with eps_placement raw (eps_root is optax's, inside the corrected root)");
}

inline std::vector<const char*> slots(const Radam&) { return {"exp_avg", "exp_avg_sq"}; }

inline constexpr std::array<Preset<Radam>, 3> radam_presets{{
    {"pytorch", "torch/optim/radam.py (_single_tensor_radam), PyTorch 2.15.0: lr 1e-3, betas (0.9, 0.999), eps 1e-8, "
                "rho_t > 5, eps on the raw sqrt(v), decoupled_weight_decay False",
     [](Radam& s) { s = Radam{}; }},
    {"optax", "optax/_src/alias.py (radam) and transform.py (scale_by_radam), optax 0.2.9.dev (2edbcbe): no default "
              "lr (gradref: 1e-3), b1 0.9, b2 0.999, eps 1e-8, eps_root 0, threshold 5 with rho_t >= threshold, eps "
              "on the corrected v; no weight decay",
     [](Radam& s) {
       s = Radam{};
       s.eps_placement = RadamEps::corrected;
       s.threshold_test = ThresholdTest::inclusive;
     }},
    {"textbook", "Liu et al., On the Variance of the Adaptive Learning Rate and Beyond (ICLR 2020), Algorithm 2: "
                 "rectify when rho_t > 4, l_t = sqrt((1 - beta2^t) / v_t) without eps (gradref: lr 1e-3, betas "
                 "(0.9, 0.999))",
     [](Radam& s) {
       s = Radam{};
       s.eps = 0.0;
       s.threshold = 4.0;
     }},
}};
inline const auto& presets_of(const Radam*) { return radam_presets; }

}  // namespace gradref::spec
