#pragma once
// Fast softmax cross-entropy (forward and gradient in one call) for float and double.
// Rows run in parallel over a static partition; each row: max, sum of exp(z - max)
// with the blocked-pairwise summation of reduction.hpp, then one pass writing
// grad = (exp(z - max) * (1 / sum) - [j = y]) * scale. The order of operations is
// reference/losses/cross_entropy_impl.hpp's; exp is Highway's (<= 1 ULP), log is
// the C library's (<= 1 ULP) once per row.
#include <cstdint>
#include <span>

#include "gradref/spec/cross_entropy.hpp"

namespace gradref::fast {

/// logits: rows * classes, row-major; target: rows class indices; loss: rows values
/// for reduction none, else 1; grad_logits: rows * classes. Validates like the reference.
template <class T>
void cross_entropy(const spec::CrossEntropy& spec, std::span<const T> logits, std::int64_t rows,
                   std::int64_t classes, std::span<const std::int64_t> target, std::span<T> loss,
                   std::span<T> grad_logits);

extern template void cross_entropy<float>(const spec::CrossEntropy&, std::span<const float>, std::int64_t,
                                          std::int64_t, std::span<const std::int64_t>, std::span<float>,
                                          std::span<float>);
extern template void cross_entropy<double>(const spec::CrossEntropy&, std::span<const double>, std::int64_t,
                                           std::int64_t, std::span<const std::int64_t>, std::span<double>,
                                           std::span<double>);

}  // namespace gradref::fast
