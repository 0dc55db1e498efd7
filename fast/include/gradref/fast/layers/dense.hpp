#pragma once
// Fast dense layer, forward and backward in one call, float and double: the three
// matrix products through OpenBLAS (layers/gemm.hpp, fixed row blocks over
// gradref's threads), the bias added in one Highway pass over each block of the
// product, the bias gradient as column sums in row order.
#include <span>

#include "gradref/spec/dense.hpp"

namespace gradref::fast {

/// Shapes as spec::dense_dims checks them (bias null when the spec has none; the
/// `bias` span is then empty). Outputs: output [N, out], grad_input [N, in],
/// grad_weight (W's layout), grad_bias [out] (empty without a bias).
template <class T>
void dense(const spec::Dense& spec, const Shape& input_shape, const Shape& weight_shape, const Shape* bias_shape,
           const Shape& grad_output_shape, std::span<const T> input, std::span<const T> weight,
           std::span<const T> bias, std::span<const T> grad_output, std::span<T> output, std::span<T> grad_input,
           std::span<T> grad_weight, std::span<T> grad_bias);

extern template void dense<float>(const spec::Dense&, const Shape&, const Shape&, const Shape*, const Shape&,
                                  std::span<const float>, std::span<const float>, std::span<const float>,
                                  std::span<const float>, std::span<float>, std::span<float>, std::span<float>,
                                  std::span<float>);
extern template void dense<double>(const spec::Dense&, const Shape&, const Shape&, const Shape*, const Shape&,
                                   std::span<const double>, std::span<const double>, std::span<const double>,
                                   std::span<const double>, std::span<double>, std::span<double>,
                                   std::span<double>, std::span<double>);

}  // namespace gradref::fast
