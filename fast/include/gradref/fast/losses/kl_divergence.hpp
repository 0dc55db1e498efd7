#pragma once
// Fast Kullback-Leibler divergence between the rows of p and q (value and both
// gradients in one call) for float and double. Rows run in parallel over a static
// partition; each row is one pass: per element Highway Log (<= 4 ULP) of the inputs
// given as probabilities, Exp (<= 1 ULP) of p given as log-probabilities, the term
// and the gradients, the terms summed with the blocked-pairwise structure of
// reduction.hpp. The order of operations is reference/losses/kl_divergence_impl.hpp's.
#include <cstdint>
#include <span>

#include "gradref/spec/kl_divergence.hpp"

namespace gradref::fast {

/// p, q: rows * classes, row-major, in spec.p_form and spec.q_form; loss: rows *
/// classes values for reduction none, rows for row, else 1; grad_p, grad_q: rows *
/// classes. Validates like the reference.
template <class T>
void kl_divergence(const spec::KlDivergence& spec, std::span<const T> p, std::span<const T> q, std::int64_t rows,
                   std::int64_t classes, std::span<T> loss, std::span<T> grad_p, std::span<T> grad_q);

extern template void kl_divergence<float>(const spec::KlDivergence&, std::span<const float>, std::span<const float>,
                                          std::int64_t, std::int64_t, std::span<float>, std::span<float>,
                                          std::span<float>);
extern template void kl_divergence<double>(const spec::KlDivergence&, std::span<const double>,
                                           std::span<const double>, std::int64_t, std::int64_t, std::span<double>,
                                           std::span<double>, std::span<double>);

}  // namespace gradref::fast
