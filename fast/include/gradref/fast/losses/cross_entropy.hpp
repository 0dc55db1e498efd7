#pragma once
// Fast softmax cross-entropy (spec/cross_entropy.hpp; forward and gradients in one
// call) for float and double. Target positions run in parallel over a static
// partition; each row: max, sum of exp(z - max) with the blocked-pairwise summation
// of reduction.hpp, then one pass writing the gradient. The order of operations is
// reference/losses/cross_entropy_impl.hpp's; exp is Highway's (<= 1 ULP), log1p is
// the C library's (<= 1 ULP) once per row.
#include <cstdint>
#include <span>

#include "gradref/spec/cross_entropy.hpp"

namespace gradref::fast {

template <class T>
struct CrossEntropyInputs {
  std::span<const T> logits;
  Shape logits_shape;                     ///< [N, C] or [N, C, d1..dk]
  std::span<const std::int64_t> indices;  ///< target_type indices: [N, d1..dk]
  std::span<const T> probabilities;       ///< target_type probabilities: the logits' shape
  Shape target_shape;
  std::span<const T> weight;  ///< [C] class weights when has_weight
  bool has_weight = false;
};

template <class T>
struct CrossEntropyOutputs {
  std::span<T> loss;         ///< the target's positions for reduction none, else 1 value
  std::span<T> grad_logits;  ///< the logits' shape
  std::span<T> grad_target;  ///< the logits' shape for probability targets, else empty
};

/// Validates like the reference (same fields in the errors), then evaluates.
template <class T>
void cross_entropy(const spec::CrossEntropy& spec, const CrossEntropyInputs<T>& in, const CrossEntropyOutputs<T>& out);

extern template void cross_entropy<float>(const spec::CrossEntropy&, const CrossEntropyInputs<float>&,
                                          const CrossEntropyOutputs<float>&);
extern template void cross_entropy<double>(const spec::CrossEntropy&, const CrossEntropyInputs<double>&,
                                           const CrossEntropyOutputs<double>&);

}  // namespace gradref::fast
