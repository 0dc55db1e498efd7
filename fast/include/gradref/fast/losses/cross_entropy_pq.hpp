#pragma once
// Fast cross-entropy H(P, Q) between the rows of p and q (value and both gradients
// in one call) for float and double. Rows run in parallel over a static partition;
// each row is one pass: per element Highway Log (<= 4 ULP) of q given as
// probabilities, Exp (<= 1 ULP) of p given as log-probabilities, the term and the
// gradients, the terms summed with the blocked-pairwise structure of reduction.hpp.
// The order of operations is reference/losses/cross_entropy_pq_impl.hpp's.
#include <cstdint>
#include <span>

#include "gradref/spec/cross_entropy_pq.hpp"

namespace gradref::fast {

/// p, q: rows * classes, row-major, in spec.p_form and spec.q_form; loss: rows *
/// classes values for reduction none, rows for row, else 1; grad_p, grad_q: rows *
/// classes. Validates like the reference.
template <class T>
void cross_entropy_pq(const spec::CrossEntropyPq& spec, std::span<const T> p, std::span<const T> q,
                      std::int64_t rows, std::int64_t classes, std::span<T> loss, std::span<T> grad_p,
                      std::span<T> grad_q);

extern template void cross_entropy_pq<float>(const spec::CrossEntropyPq&, std::span<const float>,
                                             std::span<const float>, std::int64_t, std::int64_t, std::span<float>,
                                             std::span<float>, std::span<float>);
extern template void cross_entropy_pq<double>(const spec::CrossEntropyPq&, std::span<const double>,
                                              std::span<const double>, std::int64_t, std::int64_t,
                                              std::span<double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
