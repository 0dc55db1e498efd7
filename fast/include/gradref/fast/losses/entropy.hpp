#pragma once
// Fast Shannon entropy of the rows of p (value and gradient in one call) for float
// and double. Rows run in parallel over a static partition; each row is one pass:
// per element log (Highway Log, <= 4 ULP) or exp (Highway Exp, <= 1 ULP), the term
// and the gradient, the terms summed with the blocked-pairwise structure of
// reduction.hpp. The order of operations is reference/losses/entropy_impl.hpp's.
#include <cstdint>
#include <span>

#include "gradref/spec/entropy.hpp"

namespace gradref::fast {

/// p: rows * classes, row-major, in spec.p_form; loss: rows values for reduction
/// none, else 1; grad_p: rows * classes. Validates like the reference.
template <class T>
void entropy(const spec::Entropy& spec, std::span<const T> p, std::int64_t rows, std::int64_t classes,
             std::span<T> loss, std::span<T> grad_p);

extern template void entropy<float>(const spec::Entropy&, std::span<const float>, std::int64_t, std::int64_t,
                                    std::span<float>, std::span<float>);
extern template void entropy<double>(const spec::Entropy&, std::span<const double>, std::int64_t, std::int64_t,
                                     std::span<double>, std::span<double>);

}  // namespace gradref::fast
