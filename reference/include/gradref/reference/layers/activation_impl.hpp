#pragma once
// Definition of reference::activation and reference::gelu_tanh (instantiated in
// reference/src): per element, output = f(x) and grad_input = grad_output * f'(x),
// f and f' in the operation order of activation_fn.hpp.
#include <cstdint>

#include "gradref/reference/layers/activation.hpp"
#include "gradref/reference/layers/activation_fn.hpp"
#include "gradref/reference/losses/value_text.hpp"

namespace gradref::reference {

namespace activation_detail {

template <class T, class Value, class Derivative>
ActivationResult<T> elementwise(const char* op, const Array<T>& input, const Array<T>& grad_output,
                                const Value& value, const Derivative& derivative) {
  const std::int64_t n = spec::activation_size(op, input.shape(), grad_output.shape());
  spec::check_activation_values(op, input.span(), grad_output.span(), [](const T& x) { return value_text(x); });
  ActivationResult<T> r{Array<T>(input.shape(), T(0.0)), Array<T>(input.shape(), T(0.0))};
  for (std::int64_t i = 0; i < n; ++i) {
    r.output[i] = value(input[i]);
    r.grad_input[i] = grad_output[i] * derivative(input[i]);
  }
  return r;
}

}  // namespace activation_detail

template <class T>
ActivationResult<T> activation(const spec::Activation& s, const Array<T>& input, const Array<T>& grad_output) {
  validate(s);
  return activation_detail::elementwise(
      spec::Activation::op, input, grad_output, [&s](const T& x) { return activation_value(s, x); },
      [&s](const T& x) { return activation_derivative(s, x); });
}

template <class T>
ActivationResult<T> gelu_tanh(const spec::GeluTanh& s, const Array<T>& input, const Array<T>& grad_output) {
  validate(s);
  return activation_detail::elementwise(
      spec::GeluTanh::op, input, grad_output, [](const T& x) { return gelu_tanh_value(x); },
      [](const T& x) { return gelu_tanh_derivative(x); });
}

}  // namespace gradref::reference
