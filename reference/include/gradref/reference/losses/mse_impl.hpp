#pragma once
// Definition of reference::mse (instantiated in reference/src).
//
// Per element, in the fast kernel's order: d = x - y, loss = d * d,
// grad = d * scale with scale = 2 / n for the mean (a double, rounded to the
// dtype where it meets d) and 2 otherwise; grad_target = -grad. The losses are
// reduced by reduce_pointwise: sum(span), then / n for the mean.
#include <cstdint>
#include <utility>
#include <vector>

#include "gradref/reference/losses/mse.hpp"

namespace gradref::reference {

template <class T>
PointwiseLossResult<T> mse(const spec::Mse& s, const Array<T>& input, const Array<T>& target) {
  validate(s);
  const std::int64_t n = spec::pointwise_loss_size(spec::Mse::op, input.shape(), target.shape());
  const T scale = s.reduction == spec::Reduction::mean ? T(2.0) / T(static_cast<double>(n)) : T(2.0);
  std::vector<T> losses;
  losses.reserve(static_cast<std::size_t>(n));
  Array<T> grad_input(input.shape(), T(0.0)), grad_target(input.shape(), T(0.0));
  for (std::int64_t i = 0; i < n; ++i) {
    const T d = input[i] - target[i];
    losses.push_back(d * d);
    const T g = d * scale;
    grad_input[i] = g;
    grad_target[i] = -g;
  }
  return {reduce_pointwise(s.reduction, input.shape(), std::move(losses)), std::move(grad_input),
          std::move(grad_target)};
}

}  // namespace gradref::reference
