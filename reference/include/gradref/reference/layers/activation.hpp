#pragma once
// Reference activations (the op `activation` and the op `gelu_tanh`): output
// y = f(x) and its vector-Jacobian product grad_input = grad_output * f'(x),
// elementwise, generic over the scalar. f and f' are activation_fn.hpp's.
#include "gradref/reference/array.hpp"
#include "gradref/spec/activation.hpp"

namespace gradref::reference {

template <class T>
struct ActivationResult {
  Array<T> output;      ///< input's shape: f(x)
  Array<T> grad_input;  ///< input's shape: grad_output * f'(x) = d(sum of grad_output * output) / d input
};

template <class T>
ActivationResult<T> activation(const spec::Activation& spec, const Array<T>& input, const Array<T>& grad_output);

template <class T>
ActivationResult<T> gelu_tanh(const spec::GeluTanh& spec, const Array<T>& input, const Array<T>& grad_output);

}  // namespace gradref::reference
