#pragma once
// Fast binary cross-entropy on probabilities (loss, d loss / d input and
// d loss / d target in one call) for float and double. Elementwise in the order of
// reference/losses/bce_impl.hpp, with Highway's Log (<= 4 ULP), in blocks of
// sum_block over a static partition of threads; the losses of sum and mean are
// reduced with the blocked-pairwise structure of reduction.hpp.
#include <span>

#include "gradref/spec/bce.hpp"

namespace gradref::fast {

/// input, target, weight and the gradients: element_count(shape) values each;
/// weight empty for none. loss: element_count(shape) values for reduction none,
/// else 1. Validates like the reference.
template <class T>
void bce(const spec::Bce& spec, const Shape& shape, std::span<const T> input, std::span<const T> target,
         std::span<const T> weight, std::span<T> loss, std::span<T> grad_input, std::span<T> grad_target);

extern template void bce<float>(const spec::Bce&, const Shape&, std::span<const float>, std::span<const float>,
                                std::span<const float>, std::span<float>, std::span<float>, std::span<float>);
extern template void bce<double>(const spec::Bce&, const Shape&, std::span<const double>, std::span<const double>,
                                 std::span<const double>, std::span<double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
