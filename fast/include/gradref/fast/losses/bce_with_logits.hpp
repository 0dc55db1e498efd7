#pragma once
// Fast binary cross-entropy on logits (loss, d loss / d input and d loss / d target
// in one call) for float and double. Elementwise in the order of
// reference/losses/bce_with_logits_impl.hpp, with Highway's Exp (<= 1 ULP) and
// Log1p (<= 2 ULP), in blocks of sum_block over a static partition of threads; the
// losses of sum and mean are reduced with the blocked-pairwise structure of
// reduction.hpp.
#include <span>

#include "gradref/spec/bce_with_logits.hpp"

namespace gradref::fast {

/// input, target, weight and the gradients: element_count(shape) values each;
/// pos_weight: the last extent of shape (1 for a scalar); weight and pos_weight
/// empty for none. loss: element_count(shape) values for reduction none, else 1.
/// Validates like the reference.
template <class T>
void bce_with_logits(const spec::BceWithLogits& spec, const Shape& shape, std::span<const T> input,
                     std::span<const T> target, std::span<const T> weight, std::span<const T> pos_weight,
                     std::span<T> loss, std::span<T> grad_input, std::span<T> grad_target);

extern template void bce_with_logits<float>(const spec::BceWithLogits&, const Shape&, std::span<const float>,
                                            std::span<const float>, std::span<const float>, std::span<const float>,
                                            std::span<float>, std::span<float>, std::span<float>);
extern template void bce_with_logits<double>(const spec::BceWithLogits&, const Shape&, std::span<const double>,
                                             std::span<const double>, std::span<const double>,
                                             std::span<const double>, std::span<double>, std::span<double>,
                                             std::span<double>);

}  // namespace gradref::fast
