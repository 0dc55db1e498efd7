#pragma once
// The user's own Adam, written as a framework writes it: PyTorch's conventions
// (eps added outside the square root of the bias-corrected v, coupled L2 weight
// decay), per-call scalars in double, elements in T. `mistake` puts eps inside the
// square root instead: a plausible bug the tests must catch.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace my {

struct AdamConfig {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
};

enum class Eps { outside, inside_by_mistake };

/// One step: `step` counts the steps already taken and is advanced.
template <class T>
void adam_step(const AdamConfig& h, std::vector<T>& param, std::vector<T>& exp_avg, std::vector<T>& exp_avg_sq,
               const std::vector<T>& grad, std::int64_t& step, Eps mistake = Eps::outside) {
  ++step;
  const double bc1 = 1.0 - std::pow(h.beta1, static_cast<double>(step));
  const double bc2 = 1.0 - std::pow(h.beta2, static_cast<double>(step));
  const T beta1 = static_cast<T>(h.beta1), beta2 = static_cast<T>(h.beta2);
  const T c1 = static_cast<T>(1.0 - h.beta1), c2 = static_cast<T>(1.0 - h.beta2);
  const T eps = static_cast<T>(h.eps), weight_decay = static_cast<T>(h.weight_decay);
  const T step_size = static_cast<T>(h.lr / bc1);
  const T bc2_t = static_cast<T>(bc2), bc2_sqrt = static_cast<T>(std::sqrt(bc2));
  for (std::size_t i = 0; i < param.size(); ++i) {
    T g = grad[i];
    if (h.weight_decay != 0) g = g + weight_decay * param[i];
    exp_avg[i] = beta1 * exp_avg[i] + c1 * g;
    exp_avg_sq[i] = beta2 * exp_avg_sq[i] + (c2 * g) * g;
    const T denom = mistake == Eps::outside ? std::sqrt(exp_avg_sq[i]) / bc2_sqrt + eps
                                            : std::sqrt(exp_avg_sq[i] / bc2_t + eps);
    param[i] = param[i] - step_size * (exp_avg[i] / denom);
  }
}

}  // namespace my
