#pragma once
// Fast negative log-likelihood with class-index targets (loss and gradient in one
// call) for float and double. Target positions run in blocks of sum_block over a
// static partition: each block gathers its targets' log-probabilities and class
// weights, then computes the terms -(w * x) and the block's sums of terms and of
// weights in Highway vectors; block sums combine pairwise (reduction.hpp). The
// gradient, zero but at each target's entry, is scattered from the same blocks. The
// order of operations is reference/losses/nll_impl.hpp's.
#include <cstdint>
#include <span>

#include "gradref/spec/nll.hpp"

namespace gradref::fast {

/// input: element_count(input_shape) values, row-major [N, C, d1..dk]; target:
/// N * d1 * ... * dk class indices; weight: C class weights, or empty when absent;
/// loss: one value per target position for reduction none, else 1; grad_input:
/// input's size. Validates like the reference.
template <class T>
void nll(const spec::Nll& spec, const Shape& input_shape, std::span<const T> input,
         std::span<const std::int64_t> target, std::span<const T> weight, std::span<T> loss,
         std::span<T> grad_input);

extern template void nll<float>(const spec::Nll&, const Shape&, std::span<const float>,
                                std::span<const std::int64_t>, std::span<const float>, std::span<float>,
                                std::span<float>);
extern template void nll<double>(const spec::Nll&, const Shape&, std::span<const double>,
                                 std::span<const std::int64_t>, std::span<const double>, std::span<double>,
                                 std::span<double>);

}  // namespace gradref::fast
