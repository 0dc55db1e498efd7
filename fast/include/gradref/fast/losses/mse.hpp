#pragma once
// Fast mean squared error (loss and both gradients in one call) for float and double, over
// flat buffers of any shape: blocks of sum_block elements in parallel, each one
// vector pass in the order of reference/losses/mse_impl.hpp, the losses reduced
// with the blocked pairwise sum of reduction.hpp.
#include <span>

#include "gradref/spec/mse.hpp"

namespace gradref::fast {

/// input, target: n values each (n >= 1); loss: n values for reduction none, else
/// 1; grad_input, grad_target: n values, d(sum of loss) / d input and / d target.
/// Validates like the reference.
template <class T>
void mse(const spec::Mse& spec, std::span<const T> input, std::span<const T> target, std::span<T> loss,
         std::span<T> grad_input, std::span<T> grad_target);

extern template void mse<float>(const spec::Mse&, std::span<const float>, std::span<const float>, std::span<float>,
                                std::span<float>, std::span<float>);
extern template void mse<double>(const spec::Mse&, std::span<const double>, std::span<const double>,
                                 std::span<double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
