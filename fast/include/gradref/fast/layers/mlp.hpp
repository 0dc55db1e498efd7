#pragma once
// Fast multilayer perceptron, forward and backward with its loss in one call, float
// and double: per layer the product x^(l-1) W^(l)T through OpenBLAS in fixed row
// blocks (layers/gemm.hpp), each block followed by one Highway pass adding b^(l)
// and applying sigma_l (activation-inl.h); the loss through the project's fast loss
// kernel; backward, g W^(l) by blocks, each block followed by one pass multiplying
// by sigma_(l-1)'(s^(l-1)); g^T x^(l-1) by gemm; bias gradients as column sums.
#include <span>
#include <vector>

#include "gradref/spec/mlp.hpp"

namespace gradref::fast {

/// Buffers by name, index l - 1 for layer l (biases and grad_bias empty without a
/// bias). `target` holds cross_entropy's class indices as values. loss: 1 value, or
/// the loss's shape for reduction none (N * n_L; N for cross_entropy); empty for
/// loss none.
template <class T>
struct MlpBuffers {
  std::span<const T> input;
  std::vector<std::span<const T>> weights;
  std::vector<std::span<const T>> biases;
  std::span<const T> target;
  std::span<const T> cotangent;
  std::span<T> loss;
  std::vector<std::span<T>> pre_activation;
  std::vector<std::span<T>> activation;
  std::vector<std::span<T>> grad_weight;
  std::vector<std::span<T>> grad_bias;
  std::span<T> grad_input;
};

/// Checks the shapes (spec::mlp_widths), buffer sizes and values like the reference.
template <class T>
void mlp(const spec::Mlp& spec, const spec::MlpShapes& shapes, const MlpBuffers<T>& buffers);

extern template void mlp<float>(const spec::Mlp&, const spec::MlpShapes&, const MlpBuffers<float>&);
extern template void mlp<double>(const spec::Mlp&, const spec::MlpShapes&, const MlpBuffers<double>&);

}  // namespace gradref::fast
