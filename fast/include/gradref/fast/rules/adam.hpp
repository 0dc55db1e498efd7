#pragma once
// Fast Adam for float and double: one fused pass over memory per step, SIMD through
// Highway with run-time dispatch, threads over a static partition. Follows the
// operation order of reference/rules/adam_impl.hpp exactly (per-step scalars in
// double, then per element: m, v, [vmax], denom, theta), which is what its error
// model (the reference instantiated with Tracked) assumes. FMA contraction is
// allowed: it only removes roundings.
#include <cstdint>
#include <span>

#include "gradref/spec/adam.hpp"

namespace gradref::fast {

template <class T>
struct AdamBuffers {
  std::span<T> param;
  std::span<const T> grads;       ///< steps * param.size(), one gradient per step
  std::span<T> exp_avg;
  std::span<T> exp_avg_sq;
  std::span<T> max_exp_avg_sq;    ///< empty unless spec.amsgrad
  std::int64_t step = 0;          ///< steps already taken; advanced by the call
};

/// Validates like the reference (same InvalidInput errors), then steps in place.
template <class T>
void adam(const spec::Adam& spec, AdamBuffers<T>& buffers);

extern template void adam<float>(const spec::Adam&, AdamBuffers<float>&);
extern template void adam<double>(const spec::Adam&, AdamBuffers<double>&);

}  // namespace gradref::fast
