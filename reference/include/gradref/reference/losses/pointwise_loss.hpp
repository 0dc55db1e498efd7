#pragma once
// What the elementwise regression losses (mse, l1, huber) share in the reference:
// their result and their reduction. The reduction is the fast kernels' order: a
// sum(span) of the per-element losses (the blocked-pairwise structure of
// fast/reduction.hpp under the fast rounding model), then, for the mean, one
// division by the element count.
#include <cmath>  // before math.hpp, whose power() names std::pow without including it
#include <cstdint>
#include <utility>
#include <vector>

#include "gradref/reference/array.hpp"
#include "gradref/reference/math.hpp"
#include "gradref/spec/pointwise_loss.hpp"

namespace gradref::reference {

template <class T>
struct PointwiseLossResult {
  Array<T> loss;         ///< input's shape for reduction none, [] otherwise
  Array<T> grad_input;   ///< d(sum of loss) / d input
  Array<T> grad_target;  ///< d(sum of loss) / d target = -grad_input
};

/// The per-element losses reduced: kept (none), summed, or summed and divided by their count.
template <class T>
Array<T> reduce_pointwise(spec::Reduction r, const Shape& shape, std::vector<T> losses) {
  if (r == spec::Reduction::none) return Array<T>(shape, std::move(losses));
  T total = sum(std::span<const T>(losses));
  if (r == spec::Reduction::mean) total = total / T(static_cast<double>(losses.size()));
  return Array<T>(Shape{}, std::vector<T>{total});
}

/// `constant` as a kernel holds it beside `x`: rounded to x's format when it meets
/// x (Tracked counts that rounding); for Real, the constant itself.
template <class T>
T beside(const T& x, const T& constant) {
  return x * T(0.0) + constant;
}

}  // namespace gradref::reference
