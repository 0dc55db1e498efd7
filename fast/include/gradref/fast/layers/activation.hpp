#pragma once
// Fast activations (the ops `activation` and `gelu_tanh`), output f(x) and its
// vector-Jacobian product grad_output * f'(x) in one call, for float and double:
// contiguous ranges of whole vectors in parallel over a static partition, each
// element in the operation order of reference/layers/activation_fn.hpp
// (fast/src/layers/activation-inl.h). Validates like the reference.
#include <span>

#include "gradref/spec/activation.hpp"

namespace gradref::fast {

/// input, grad_output, output and grad_input: element_count(shape) values each.
template <class T>
void activation(const spec::Activation& spec, const Shape& shape, std::span<const T> input,
                std::span<const T> grad_output, std::span<T> output, std::span<T> grad_input);

template <class T>
void gelu_tanh(const spec::GeluTanh& spec, const Shape& shape, std::span<const T> input,
               std::span<const T> grad_output, std::span<T> output, std::span<T> grad_input);

extern template void activation<float>(const spec::Activation&, const Shape&, std::span<const float>,
                                       std::span<const float>, std::span<float>, std::span<float>);
extern template void activation<double>(const spec::Activation&, const Shape&, std::span<const double>,
                                        std::span<const double>, std::span<double>, std::span<double>);
extern template void gelu_tanh<float>(const spec::GeluTanh&, const Shape&, std::span<const float>,
                                      std::span<const float>, std::span<float>, std::span<float>);
extern template void gelu_tanh<double>(const spec::GeluTanh&, const Shape&, std::span<const double>,
                                       std::span<const double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
