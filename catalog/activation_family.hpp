#pragma once
// What the catalog entries of activation and gelu_tanh share: cases (shapes, inputs
// and cotangents), the reference, the fast kernel and the error model in the named
// form, the plain loop a wrong variant is written as, and the invalid inputs.
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/reference/layers/activation.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::catalog::activation_family {

/// Which inputs x a case draws.
enum class Draw {
  hard,      ///< to 1e4 in magnitude, zeros, subnormals, tiny values: the fast-vs-reference mix
  hard_1e3,  ///< as hard, to 1e3 (gelu_tanh: below -1e3 its value, -x e^(-0.07 x^3), leaves MPFR's exponent range)
  moderate,  ///< 1e-3 to 10 in magnitude, never 0: derivatives 512-bit differences resolve, no kink
  zeros,     ///< half of them exactly 0 (the kink of relu and leaky_relu), the rest ordinary
  large,     ///< 100 to 1e4 in magnitude, either sign: where exp(x) overflows
};

/// x drawn as `draw` says, exact in dtype.
rc::Gen<double> inputs(Dtype dtype, Draw draw);

/// A case of `op` with `spec`: a shape ([], [n] to 140, or [a, b]; at most 8
/// elements for the moderate draw or when `small`), x drawn as `draw` says, then
/// passed through `adjust` (nullptr: none), and cotangents (ordinary, some hard for
/// the hard draws).
rc::Gen<Case> cases(const char* op, Json spec, Dtype dtype, Draw draw, double (*adjust)(const Json&, double, Dtype),
                    bool small = false);

/// A reference result as named arrays (output, grad_input).
template <class T>
NamedArrays<T> named(reference::ActivationResult<T> r) {
  NamedArrays<T> out;
  out.emplace("output", std::move(r.output));
  out.emplace("grad_input", std::move(r.grad_input));
  return out;
}

/// The error parts of a reference result evaluated in Tracked.
NamedArrays<Real> errors(const reference::ActivationResult<Tracked>& r);

/// The fast kernel `kernel` (fast::activation<T> or fast::gelu_tanh<T>) on the case's inputs in T.
template <class T, class Spec, class Kernel>
NamedArrays<double> run_kernel(const Spec& s, const Case& c, const Kernel& kernel) {
  const Array<Real>& x_in = input(c, "input");
  const Array<Real>& g_in = input(c, "grad_output");
  spec::activation_size(Spec::op, x_in.shape(), g_in.shape());
  const std::vector<T> x = exact_values<T>(x_in, Spec::op, "input");
  const std::vector<T> g = exact_values<T>(g_in, Spec::op, "grad_output");
  std::vector<T> y(x.size()), gx(x.size());
  kernel(s, x_in.shape(), std::span<const T>(x), std::span<const T>(g), std::span<T>(y), std::span<T>(gx));
  NamedArrays<double> out;
  out.emplace("output", widened<T>(x_in.shape(), y));
  out.emplace("grad_input", widened<T>(x_in.shape(), gx));
  return out;
}

/// The loop a wrong variant is written as: output = value(x), grad_input = g * derivative(x), in T.
template <class T, class Value, class Derivative>
NamedArrays<double> loop(const Case& c, const Value& value, const Derivative& derivative) {
  const Array<Real>& x_in = input(c, "input");
  const std::vector<T> x = exact_values<T>(x_in, c.op, "input");
  const std::vector<T> g = exact_values<T>(input(c, "grad_output"), c.op, "grad_output");
  std::vector<T> y(x.size()), gx(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    y[i] = value(x[i]);
    gx[i] = g[i] * derivative(x[i]);
  }
  NamedArrays<double> out;
  out.emplace("output", widened<T>(x_in.shape(), y));
  out.emplace("grad_input", widened<T>(x_in.shape(), gx));
  return out;
}

/// A valid case of `op` with `spec`: x = [-2, 0, 0.5, 3], grad_output [1, -0.5, 2, 0.25].
Case base_case(const char* op, Json spec);

/// The shape and value refusals both ops share, from a valid base case.
std::vector<InvalidCase> input_invalid_cases(const Case& base);

}  // namespace gradref::catalog::activation_family
