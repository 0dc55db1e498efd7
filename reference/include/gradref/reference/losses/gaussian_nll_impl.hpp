#pragma once
// Definition of reference::gaussian_nll (instantiated in reference/src).
//
// Per element, in the fast kernel's order:
//   d = x - y
//   v = max(var, eps)               (variance input: eps rounded to the dtype where it meets var)
//     = sigma * sigma               (variance fixed: in double, rounded once to the dtype)
//   g = d / v;  q = g * d           (q = d^2 / v)
//   loss = 0.5 * (log v + q)  [+ c, c = 0.5 log(2 pi) as a double constant, when full]
//   grad_input = g [* 1 / n for the mean];  grad_target = -grad_input
//   grad_var = ((1 - q) / v) * h,   h = 0.5 (0.5 / n for the mean)
//            = 0 where var < eps under grad_var_below_eps = zero
// The clamp is 1-Lipschitz, so the error analysis holds whichever side of eps the
// kernel's rounded eps falls. The zero convention branches on the exact var < eps;
// the kernel decides it exactly too (var >= the smallest dtype value >= eps). The
// losses are reduced by reduce_pointwise: sum(span), then / n for the mean.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "gradref/reference/losses/gaussian_nll.hpp"
#include "gradref/reference/losses/pointwise_loss.hpp"
#include "gradref/reference/losses/value_text.hpp"

namespace gradref::reference {

namespace detail {

/// 0.5 log(2 pi), exact at the working precision.
inline Real half_log_two_pi(const Real*) {
  const Real two_pi = 8 * atan(Real(1));
  return log(two_pi) / 2;
}

/// The kernel's constant: 0.5 log(2 pi) correctly rounded to double, whose distance
/// from the exact value is its error (rounded again where it meets float32).
inline Tracked half_log_two_pi(const Tracked*) {
  const Real c = half_log_two_pi(static_cast<const Real*>(nullptr));
  return Tracked(c, abs(exact(round_to_double(c)) - c), Format::float64);
}

}  // namespace detail

template <class T>
GaussianNllResult<T> gaussian_nll(const spec::GaussianNll& s, const Array<T>& input, const Array<T>& target,
                                  const Array<T>* var) {
  using std::log;
  validate(s);
  const std::int64_t n =
      spec::gaussian_nll_size(s, input.shape(), target.shape(), var ? &var->shape() : nullptr);
  spec::check_gaussian_nll_values(s, input.span(), target.span(), var ? var->span() : std::span<const T>(),
                                  [](const T& x) { return value_text(x); });

  const bool learned = s.variance == spec::Variance::input;
  const bool mean = s.reduction == spec::Reduction::mean;
  const bool zero_below_eps = s.grad_var_below_eps == spec::GradVarBelowEps::zero;
  const T one(1.0), half(0.5), eps(s.eps);
  const T scale = mean ? T(1.0) / T(static_cast<double>(n)) : T(1.0);
  const T half_scale = mean ? T(0.5) / T(static_cast<double>(n)) : T(0.5);
  const T fixed_v = T(s.sigma) * T(s.sigma);
  const T c = detail::half_log_two_pi(static_cast<const T*>(nullptr));

  std::vector<T> losses;
  losses.reserve(static_cast<std::size_t>(n));
  Array<T> grad_input(input.shape(), T(0.0)), grad_target(input.shape(), T(0.0));
  std::optional<Array<T>> grad_var;
  if (learned) grad_var.emplace(input.shape(), T(0.0));
  for (std::int64_t i = 0; i < n; ++i) {
    const T d = input[i] - target[i];
    const T v = learned ? maximum((*var)[i], eps) : beside(d, fixed_v);
    const T g = d / v;
    const T q = g * d;
    T loss = half * (log(v) + q);
    if (s.full) loss = loss + c;
    losses.push_back(loss);
    const T gi = mean ? g * scale : g;
    grad_input[i] = gi;
    grad_target[i] = -gi;
    if (learned && !(zero_below_eps && (*var)[i] < eps)) (*grad_var)[i] = ((one - q) / v) * half_scale;
  }
  return {reduce_pointwise(s.reduction, input.shape(), std::move(losses)), std::move(grad_input),
          std::move(grad_target), std::move(grad_var)};
}

}  // namespace gradref::reference
