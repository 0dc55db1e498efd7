#pragma once
// Definition of reference::l1 (instantiated in reference/src).
//
// Per element, in the fast kernel's order: d = x - y, loss = |d|,
// grad = scale if d > 0, -scale if d < 0, 0 if d = 0 (PyTorch's sign(0) = 0),
// with scale = 1 / n for the mean (a double, rounded to the dtype) and 1
// otherwise; grad_target = -grad. The computed d has the sign of the exact
// difference (a rounded difference is 0 only when x = y), so branching on the
// exact d is branching on the kernel's. The losses are reduced by
// reduce_pointwise: sum(span), then / n for the mean.
#include <cstdint>
#include <utility>
#include <vector>

#include "gradref/reference/losses/l1.hpp"

namespace gradref::reference {

template <class T>
PointwiseLossResult<T> l1(const spec::L1& s, const Array<T>& input, const Array<T>& target) {
  using std::abs;
  validate(s);
  const std::int64_t n = spec::pointwise_loss_size(spec::L1::op, input.shape(), target.shape());
  const T scale = s.reduction == spec::Reduction::mean ? T(1.0) / T(static_cast<double>(n)) : T(1.0);
  std::vector<T> losses;
  losses.reserve(static_cast<std::size_t>(n));
  Array<T> grad_input(input.shape(), T(0.0)), grad_target(input.shape(), T(0.0));
  for (std::int64_t i = 0; i < n; ++i) {
    const T d = input[i] - target[i];
    losses.push_back(abs(d));
    const T g = T(0.0) < d ? beside(d, scale) : d < T(0.0) ? -beside(d, scale) : T(0.0);
    grad_input[i] = g;
    grad_target[i] = -g;
  }
  return {reduce_pointwise(s.reduction, input.shape(), std::move(losses)), std::move(grad_input),
          std::move(grad_target)};
}

}  // namespace gradref::reference
