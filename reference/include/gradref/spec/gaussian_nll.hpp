#pragma once
// Gaussian negative log-likelihood of targets y under N(x, v), elementwise:
//   loss_i = 0.5 (log v_i + (x_i - y_i)^2 / v_i)  [+ 0.5 log(2 pi) when `full`]
// with v_i = max(var_i, eps) for a variance given per element (`variance` input),
// or v_i = sigma^2 for a fixed one (`variance` fixed: no var input, eps unused).
//   d loss_i / d x_i   = (x_i - y_i) / v_i = -d loss_i / d y_i
//   d loss_i / d var_i = 0.5 (1 / v_i - (x_i - y_i)^2 / v_i^2)   where var_i >= eps
// Below eps the loss does not depend on var_i. PyTorch clamps var under no_grad,
// so its gradient is still the formula above, evaluated at v_i = eps; the exact
// derivative is 0. `grad_var_below_eps` chooses. Reduced by `reduction`: none,
// sum, or mean (divide by the element count n, gradients scaled by 1/n too).
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>

#include "gradref/spec/bce.hpp"  // require_values_in, largest_double
#include "gradref/spec/fields.hpp"
#include "gradref/spec/pointwise_loss.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

enum class Variance { input, fixed };
enum class GradVarBelowEps { formula, zero };

struct GaussianNll {
  static constexpr const char* op = "gaussian_nll";

  Variance variance = Variance::input;
  double sigma = 1.0;
  double eps = 1e-6;
  bool full = false;
  Reduction reduction = Reduction::mean;
  GradVarBelowEps grad_var_below_eps = GradVarBelowEps::formula;

  template <class V>
  void describe(V& v) {
    v.choice("variance", variance,
             std::array{Alternative<Variance>{"input", Variance::input}, Alternative<Variance>{"fixed", Variance::fixed}},
             "input: a per-element variance, the input `var` (input's shape), clamped below at eps; "
             "fixed: no `var` input, every variance is sigma^2 and eps is not applied");
    v.number("sigma", sigma,
             "the standard deviation when variance is fixed; finite, > 0, with sigma^2 a normal double "
             "(about 1.5e-154 to 1.3e154)");
    v.number("eps", eps, "the floor of var when variance is input: v = max(var, eps); finite, >= 0");
    v.flag("full", full, "add the constant 0.5 log(2 pi) to every element's loss");
    v.choice("reduction", reduction, reduction_alternatives,
             "mean: divide the summed loss by the element count; sum; none: one loss per element");
    v.choice("grad_var_below_eps", grad_var_below_eps,
             std::array{Alternative<GradVarBelowEps>{"formula", GradVarBelowEps::formula},
                        Alternative<GradVarBelowEps>{"zero", GradVarBelowEps::zero}},
             "grad_var where var < eps: formula: 0.5 (1 / eps - (x - y)^2 / eps^2), the unclamped formula at "
             "v = eps (PyTorch, which clamps under no_grad); zero: the derivative of the loss, which does not "
             "depend on var there");
  }
};

inline void validate(const GaussianNll& s) {
  require(std::isfinite(s.sigma) && s.sigma > 0 && std::isnormal(s.sigma * s.sigma), GaussianNll::op, "sigma",
          format_double(s.sigma), "a finite number > 0 whose square is a normal double");
  require_finite_at_least(s.eps, 0.0, GaussianNll::op, "eps", "a finite number >= 0");
}

/// torch.nn.functional.gaussian_nll_loss (var per element, eps 1e-6, full false,
/// reduction 'mean'), and the textbook likelihood of a fixed unit variance, summed.
inline constexpr std::array<Preset<GaussianNll>, 2> gaussian_nll_presets{{
    {"pytorch",
     "torch/nn/functional.py gaussian_nll_loss, read at pytorch/pytorch 0642de17: var.clone(), clamp_(min=eps) "
     "under torch.no_grad(), 0.5 * (log(var) + (input - target)**2 / var), + 0.5 * log(2 * pi) if full",
     [](GaussianNll& s) { s = GaussianNll{}; }},
    {"textbook", "-log N(y; x, sigma^2) = 0.5 (log(2 pi sigma^2) + (x - y)^2 / sigma^2), sigma = 1, summed",
     [](GaussianNll& s) {
       s = GaussianNll{};
       s.variance = Variance::fixed;
       s.full = true;
       s.reduction = Reduction::sum;
       s.grad_var_below_eps = GradVarBelowEps::zero;
     }},
}};
inline const auto& presets_of(const GaussianNll*) { return gaussian_nll_presets; }

/// Checks input (rank >= 1, >= 1 element), target (input's shape) and var: present,
/// with input's shape, when variance is input; absent when it is fixed. Returns n.
inline std::int64_t gaussian_nll_size(const GaussianNll& s, const Shape& input, const Shape& target,
                                      const Shape* var) {
  const std::int64_t n = pointwise_loss_size(GaussianNll::op, input, target);
  if (s.variance == Variance::input) {
    if (!var) throw InvalidInput(GaussianNll::op, "inputs.var", "missing", "an array named var when variance is input");
    require_shape(GaussianNll::op, "var", *var, input);
  } else if (var) {
    throw InvalidInput(GaussianNll::op, "inputs.var", "given",
                       "no var input when variance is fixed (sigma sets the variance)");
  }
  return n;
}

/// The value checks: input, target finite; var finite and >= 0 (PyTorch raises on
/// a negative var), and > 0 when eps = 0, where v = 0 would leave log v = -inf.
template <class V, class Text>
void check_gaussian_nll_values(const GaussianNll& s, std::span<const V> input, std::span<const V> target,
                               std::span<const V> var, const Text& text) {
  require_values_in(GaussianNll::op, "input", input, -largest_double, largest_double, "a finite number", text);
  require_values_in(GaussianNll::op, "target", target, -largest_double, largest_double, "a finite number", text);
  require_values_in(GaussianNll::op, "var", var, 0.0, largest_double, "a finite variance >= 0", text);
  if (s.eps == 0)
    for (std::size_t i = 0; i < var.size(); ++i)
      if (var[i] == 0)
        throw InvalidInput(GaussianNll::op, "var[" + std::to_string(i) + "]", text(var[i]),
                           "a variance > 0 when eps = 0");
}

}  // namespace gradref::spec
