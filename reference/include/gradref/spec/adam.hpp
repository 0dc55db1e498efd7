#pragma once
// Adam (Kingma & Ba 2015), with the conventions frameworks disagree on as fields.
//
//   g   <- (maximize ? -grad : grad) + weight_decay * theta        (coupled L2)
//   m   <- beta1 m + (1 - beta1) g
//   v   <- beta2 v + (1 - beta2) g^2
//   vmax<- max(vmax, v)                                             (amsgrad)
//   bc1 = 1 - beta1^t, bc2 = 1 - beta2^t  (both 1 without bias correction)
//   eps outside: theta <- theta - (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps)
//   eps inside:  theta <- theta - (lr / bc1) m / sqrt(v / bc2 + eps)
#include <array>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

enum class EpsPlacement { outside, inside };

struct Adam {
  static constexpr const char* op = "adam";

  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
  bool maximize = false;
  EpsPlacement eps_placement = EpsPlacement::outside;
  bool bias_correction = true;

  template <class V>
  void describe(V& v) {
    v.number("lr", lr, "learning rate; >= 0");
    v.number("beta1", beta1, "decay of the first moment m; in [0, 1)");
    v.number("beta2", beta2, "decay of the second moment v; in [0, 1)");
    v.number("eps", eps, "added to the denominator; >= 0");
    v.number("weight_decay", weight_decay, "coupled L2: g += weight_decay * theta; >= 0");
    v.flag("amsgrad", amsgrad, "divide by the running max of v (Reddi et al. 2018)");
    v.flag("maximize", maximize, "gradient ascent: step along +grad");
    v.choice("eps_placement", eps_placement,
             std::array{Alternative<EpsPlacement>{"outside", EpsPlacement::outside},
                        Alternative<EpsPlacement>{"inside", EpsPlacement::inside}},
             "outside: sqrt(v_hat) + eps (Kingma & Ba, PyTorch); inside: sqrt(v_hat + eps)");
    v.flag("bias_correction", bias_correction, "divide m by 1 - beta1^t and v by 1 - beta2^t");
  }
};

inline void validate(const Adam& s) {
  require_finite_at_least(s.lr, 0.0, Adam::op, "lr", "a finite number >= 0");
  require_in_unit_interval(s.beta1, Adam::op, "beta1");
  require_in_unit_interval(s.beta2, Adam::op, "beta2");
  require_finite_at_least(s.eps, 0.0, Adam::op, "eps", "a finite number >= 0");
  require_finite_at_least(s.weight_decay, 0.0, Adam::op, "weight_decay", "a finite number >= 0");
}

/// torch.optim.Adam (torch/optim/adam.py, _single_tensor_adam): the defaults above.
inline constexpr std::array<Preset<Adam>, 1> adam_presets{{
    {"pytorch", "torch/optim/adam.py (_single_tensor_adam), PyTorch 2.x", [](Adam& s) { s = Adam{}; }},
}};
inline const auto& presets_of(const Adam*) { return adam_presets; }

}  // namespace gradref::spec

#include "gradref/spec/shape.hpp"

namespace gradref::spec {

/// Checks Adam's input shapes and step counter; returns how many steps `grad` holds
/// (grad is [steps, *param] or param's shape for one step).
inline std::int64_t adam_steps(const Adam& s, const Shape& param, const Shape& grad, const Shape& exp_avg,
                               const Shape& exp_avg_sq, const Shape* max_exp_avg_sq, std::int64_t step) {
  validate(s);
  require_shape(Adam::op, "exp_avg", exp_avg, param);
  require_shape(Adam::op, "exp_avg_sq", exp_avg_sq, param);
  if (s.amsgrad) {
    if (!max_exp_avg_sq) throw InvalidInput(Adam::op, "max_exp_avg_sq", "missing", "an array shaped like param when amsgrad is true");
    require_shape(Adam::op, "max_exp_avg_sq", *max_exp_avg_sq, param);
  }
  if (step < 0 || step > (std::int64_t{1} << 53))
    throw InvalidInput(Adam::op, "step", std::to_string(step), "an integer in [0, 2^53]");
  if (grad == param) return 1;
  Shape tail(grad.begin() + (grad.empty() ? 0 : 1), grad.end());
  if (grad.size() != param.size() + 1 || tail != param || grad[0] < 1)
    throw InvalidInput(Adam::op, "grad.shape", shape_text(grad),
                       "param's shape " + shape_text(param) + " or [steps >= 1] followed by it");
  return grad[0];
}

}  // namespace gradref::spec
