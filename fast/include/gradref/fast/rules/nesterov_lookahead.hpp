#pragma once
// Fast look-ahead Nesterov on a quadratic objective, float and double, in the
// reference's operation order (reference/rules/nesterov_lookahead_impl.hpp). The
// cost is the matrix-vector product per step; it runs row by row with the fast
// layer's blocked-pairwise sums, so its error model is the reference on Tracked.
#include <cstdint>
#include <span>

#include "gradref/spec/nesterov_lookahead.hpp"

namespace gradref::fast {

template <class T>
struct QuadraticLookahead {
  std::span<T> param;          ///< [n]
  std::span<T> velocity;       ///< [n]
  std::span<const T> hessian;  ///< [n, n] row-major, symmetric
  std::span<const T> linear;   ///< [n]
  std::int64_t step = 0;       ///< steps already taken; advanced by the call
};

/// Validates the spec and sizes (as the reference does), then takes spec.steps steps.
template <class T>
void nesterov_lookahead(const spec::NesterovLookahead& spec, QuadraticLookahead<T>& buffers);

extern template void nesterov_lookahead<float>(const spec::NesterovLookahead&, QuadraticLookahead<float>&);
extern template void nesterov_lookahead<double>(const spec::NesterovLookahead&, QuadraticLookahead<double>&);

}  // namespace gradref::fast
