#pragma once
// Elementwise activations y = f(x) with their vector-Jacobian product
// grad_input = grad_output * f'(x):
//   identity    f = x                                   f' = 1
//   relu        f = max(x, 0)                           f' = [x > 0]      (at 0: relu_derivative_at_zero)
//   leaky_relu  f = x > 0 ? x : a x                     f' = x > 0 ? 1 : a (at 0: leaky_relu_derivative_at_zero)
//   tanh        f = tanh x                              f' = 1 - tanh^2 x
//   sigmoid     f = 1 / (1 + e^-x)                      f' = f (1 - f)
//   softplus    f = log(1 + e^(b x)) / b                f' = sigmoid(b x)
//               (x itself where b x > threshold, when use_threshold; f' = 1 there)
//   gelu        f = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2   f' = Phi(x) + x phi(x)
// with a = negative_slope, b = beta, Phi and phi the standard normal cdf and
// density. The tanh approximation of GELU is the separate op gelu_tanh.
//
// The derivative of relu and leaky_relu at the kink x = 0 is a convention: "left"
// takes the slope of the x < 0 branch (0 for relu, a for leaky_relu), "right"
// the slope 1 of the x > 0 branch.
#include <array>
#include <cmath>
#include <cstdint>
#include <span>

#include "gradref/spec/bce.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

enum class ActivationFunction { identity, relu, leaky_relu, tanh, sigmoid, softplus, gelu };

inline constexpr std::array<Alternative<ActivationFunction>, 7> activation_function_alternatives{{
    {"identity", ActivationFunction::identity},
    {"relu", ActivationFunction::relu},
    {"leaky_relu", ActivationFunction::leaky_relu},
    {"tanh", ActivationFunction::tanh},
    {"sigmoid", ActivationFunction::sigmoid},
    {"softplus", ActivationFunction::softplus},
    {"gelu", ActivationFunction::gelu},
}};

/// Which branch's slope a piecewise-linear activation reports at its kink x = 0.
enum class KinkSide { left, right };

inline constexpr std::array<Alternative<KinkSide>, 2> kink_side_alternatives{{
    {"left", KinkSide::left},
    {"right", KinkSide::right},
}};

struct Activation {
  static constexpr const char* op = "activation";

  ActivationFunction function = ActivationFunction::relu;
  double negative_slope = 0.01;
  double beta = 1.0;
  double threshold = 20.0;
  bool use_threshold = true;
  KinkSide relu_derivative_at_zero = KinkSide::left;
  KinkSide leaky_relu_derivative_at_zero = KinkSide::left;

  template <class V>
  void describe(V& v) {
    v.choice("function", function, activation_function_alternatives,
             "identity, relu, leaky_relu, tanh, sigmoid, softplus, or gelu (exact: x Phi(x), erf form)");
    v.number("negative_slope", negative_slope, "leaky_relu: slope a of x < 0 (f = a x there); finite");
    v.number("beta", beta, "softplus: f = log(1 + exp(beta x)) / beta; finite, > 0");
    v.number("threshold", threshold,
             "softplus with use_threshold: f = x where beta x > threshold (PyTorch's reversion to linear); finite");
    v.flag("use_threshold", use_threshold,
           "softplus: true reverts to x above threshold (PyTorch); false: log(1 + exp(beta x)) / beta everywhere");
    v.choice("relu_derivative_at_zero", relu_derivative_at_zero, kink_side_alternatives,
             "relu's derivative at x = 0: left (0, PyTorch, JAX, TensorFlow) or right (1)");
    v.choice("leaky_relu_derivative_at_zero", leaky_relu_derivative_at_zero, kink_side_alternatives,
             "leaky_relu's derivative at x = 0: left (negative_slope: PyTorch, TensorFlow) or right (1: JAX)");
  }
};

inline void validate(const Activation& s) {
  const char* op = Activation::op;
  require(std::isfinite(s.negative_slope), op, "negative_slope", format_double(s.negative_slope), "a finite number");
  require(std::isfinite(s.beta) && s.beta > 0, op, "beta", format_double(s.beta), "a finite number > 0");
  require(std::isfinite(s.threshold), op, "threshold", format_double(s.threshold), "a finite number");
}

/// Every parameter back to its default; the function is the caller's choice, not
/// a framework's, so a preset keeps it.
constexpr void reset_keeping_function(Activation& s) {
  const ActivationFunction f = s.function;
  s = Activation{};
  s.function = f;
}

/// The framework defaults of every parameter; `function` is the caller's.
inline constexpr std::array<Preset<Activation>, 5> activation_presets{{
    {"pytorch",
     "torch/nn/modules/activation.py (LeakyReLU negative_slope=0.01, Softplus beta=1.0 threshold=20.0); "
     "aten/src/ATen/native/cpu/Activation.cpp (softplus_kernel: (x * beta) > threshold ? x : "
     "log1p(exp(x * beta)) / beta; leaky_relu_backward_kernel: x > 0 ? g : g * negval; threshold_kernel, "
     "which relu's backward threshold_backward(grad, result, 0) in tools/autograd/derivatives.yaml runs: "
     "x <= 0 gives 0); read at pytorch/pytorch 02def0c",
     [](Activation& s) {
       reset_keeping_function(s);
     }},
    {"jax",
     "jax/_src/nn/functions.py, read at jax-ml/jax cec06d1: relu's custom jvp select(x > 0, g, 0); leaky_relu "
     "where(x >= 0, x, negative_slope * x), negative_slope=1e-2; softplus logaddexp(x, 0) (no threshold, beta 1)",
     [](Activation& s) {
       reset_keeping_function(s);
       s.use_threshold = false;
       s.leaky_relu_derivative_at_zero = KinkSide::right;
     }},
    {"keras",
     "keras/src/activations/activations.py (leaky_relu negative_slope=0.2; the LeakyReLU layer's default is 0.3, "
     "keras/src/layers/activations/leaky_relu.py); keras/src/backend/tensorflow/nn.py (tf.nn.relu, "
     "tf.nn.leaky_relu, tf.math.softplus), Keras 3 on its default TensorFlow backend, read at keras-team/keras "
     "3422977",
     [](Activation& s) {
       reset_keeping_function(s);
       s.negative_slope = 0.2;
       s.use_threshold = false;
     }},
    {"tensorflow",
     "tensorflow/python/ops/nn_ops.py leaky_relu (alpha=0.2); tensorflow/core/kernels/relu_op_functor.h "
     "(ReluGrad: g * (x > 0); LeakyReluGrad: x > 0 ? g : g * alpha); tensorflow/core/kernels/softplus_op.h "
     "(no beta; its dtype-dependent cut-offs are a deviation, not a field)",
     [](Activation& s) {
       reset_keeping_function(s);
       s.negative_slope = 0.2;
       s.use_threshold = false;
     }},
    {"textbook",
     "Goodfellow, Bengio & Courville, Deep Learning (2016), sec. 6.3: leaky ReLU slope 0.01 (Maas et al. 2013), "
     "softplus log(1 + e^x) without threshold (sec. 3.10); at the kink implementations return a one-sided "
     "derivative: left here",
     [](Activation& s) {
       reset_keeping_function(s);
       s.use_threshold = false;
     }},
}};
inline const auto& presets_of(const Activation*) { return activation_presets; }

/// The tanh approximation of GELU (Hendrycks & Gimpel 2016), with its exact derivative:
///   f  = x/2 (1 + tanh(k (x + c x^3))),  k = sqrt(2/pi), c = 0.044715
///   f' = (1 + t)/2 + x/2 (1 - t^2) k (1 + 3 c x^2),  t = tanh(k (x + c x^3))
struct GeluTanh {
  static constexpr const char* op = "gelu_tanh";

  template <class V>
  void describe(V&) {}
};

inline void validate(const GeluTanh&) {}

inline constexpr std::array<Preset<GeluTanh>, 5> gelu_tanh_presets{{
    {"pytorch",
     "torch.nn.functional.gelu(approximate='tanh'): aten/src/ATen/native/cpu/Activation.cpp GeluKernelImpl, "
     "GeluBackwardKernelImpl (kBeta = M_SQRT2 * M_2_SQRTPI * 0.5, kKappa = 0.044715); read at pytorch/pytorch 02def0c",
     [](GeluTanh& s) { s = GeluTanh{}; }},
    {"jax", "jax/_src/nn/functions.py gelu(approximate=True), the default; read at jax-ml/jax cec06d1",
     [](GeluTanh& s) { s = GeluTanh{}; }},
    {"keras",
     "keras/src/ops/nn.py gelu(x, approximate=True), the default of keras.ops.gelu (keras.activations.gelu's is "
     "False); keras/src/backend/tensorflow/nn.py -> tf.nn.gelu; read at keras-team/keras 3422977",
     [](GeluTanh& s) { s = GeluTanh{}; }},
    {"tensorflow", "tensorflow/python/ops/nn_ops.py gelu(approximate=True)", [](GeluTanh& s) { s = GeluTanh{}; }},
    {"textbook", "Hendrycks & Gimpel, Gaussian Error Linear Units (GELUs), 2016, sec. 2: the tanh approximation",
     [](GeluTanh& s) { s = GeluTanh{}; }},
}};
inline const auto& presets_of(const GeluTanh*) { return gelu_tanh_presets; }

/// input (any rank, a scalar included, every extent >= 1) and grad_output (input's
/// shape); returns the element count.
inline std::int64_t activation_size(const char* op, const Shape& input, const Shape& grad_output) {
  for (std::int64_t extent : input)
    if (extent < 1) throw InvalidInput(op, "input.shape", shape_text(input), "every extent >= 1");
  require_shape(op, "grad_output", grad_output, input);
  return element_count(input);
}

/// The value checks: every input and cotangent finite (NaN included in the refusal).
template <class V, class Text>
void check_activation_values(const char* op, std::span<const V> input, std::span<const V> grad_output,
                             const Text& text) {
  require_values_in(op, "input", input, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "grad_output", grad_output, -largest_double, largest_double, "a finite number", text);
}

}  // namespace gradref::spec
