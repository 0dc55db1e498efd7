#pragma once
// Definition of reference::huber (instantiated in reference/src).
//
// Per element, in the fast kernel's order, with a = |d|, d = x - y:
//   c    = min(a, delta)
//   loss = c * (a - 0.5 * c)              (0.5 a^2 below delta, delta (a - 0.5 delta) above)
//   grad = min(max(d, -delta), delta)     (times 1 / n for the mean)
// and grad_target = -grad. Writing the two branches through min and max, which are
// exact and 1-Lipschitz, makes the error model hold whichever side of delta the
// kernel's rounded |d| (or delta rounded to float32) falls: near |d| = delta the two
// branches agree to first order in value and exactly in slope. The losses are
// reduced by reduce_pointwise: sum(span), then / n for the mean.
#include <cstdint>
#include <utility>
#include <vector>

#include "gradref/reference/losses/huber.hpp"

namespace gradref::reference {

namespace detail {
template <class T>
T smaller(const T& a, const T& b) {
  return -maximum(-a, -b);
}
}  // namespace detail

template <class T>
PointwiseLossResult<T> huber(const spec::Huber& s, const Array<T>& input, const Array<T>& target) {
  using std::abs;
  validate(s);
  const std::int64_t n = spec::pointwise_loss_size(spec::Huber::op, input.shape(), target.shape());
  const bool mean = s.reduction == spec::Reduction::mean;
  const T delta = T(s.delta), half = T(0.5);
  const T scale = mean ? T(1.0) / T(static_cast<double>(n)) : T(1.0);
  std::vector<T> losses;
  losses.reserve(static_cast<std::size_t>(n));
  Array<T> grad_input(input.shape(), T(0.0)), grad_target(input.shape(), T(0.0));
  for (std::int64_t i = 0; i < n; ++i) {
    const T d = input[i] - target[i];
    const T a = abs(d);
    const T c = detail::smaller(a, delta);
    // A named half_c keeps Boost's a - (rvalue) from writing -(half_c - a), a -0 at ties.
    const T half_c = half * c;
    losses.push_back(c * (a - half_c));
    T g = detail::smaller(maximum(d, -delta), delta);
    if (mean) g = g * scale;
    grad_input[i] = g;
    grad_target[i] = -g;
  }
  return {reduce_pointwise(s.reduction, input.shape(), std::move(losses)), std::move(grad_input),
          std::move(grad_target)};
}

}  // namespace gradref::reference
