// Catalog entry for the tanh approximation of GELU with its vector-Jacobian product.
#include <cmath>

#include "activation_family.hpp"
#include "case_edits.hpp"
#include "gradref/fast/layers/activation.hpp"
#include "run_in_dtype.hpp"

namespace gradref::catalog {
namespace {

using spec::GeluTanh;
namespace family = activation_family;

GeluTanh spec_of(const Case& c) { return spec_from_json<GeluTanh>(c.spec, ""); }

NamedArrays<Real> run_reference(const Case& c) {
  return family::named(reference::gelu_tanh(spec_of(c), input(c, "input"), input(c, "grad_output")));
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  return family::errors(reference::gelu_tanh(spec_of(c), tracked(input(c, "input"), dtype),
                                             tracked(input(c, "grad_output"), dtype)));
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    return family::run_kernel<T>(spec_of(c), c, [](const auto&... args) { fast::gelu_tanh<T>(args...); });
  });
}

Json spec_json() { return spec_to_json(GeluTanh{}); }

/// Inputs to 1e3 in magnitude, zeros, subnormals and tiny values. Beyond, the value
/// at negative x, about x e^(-0.0713 x^3), is below MPFR's smallest exponent
/// (2^-(2^30)): the reference could not tell it from 0.
rc::Gen<Case> generate(Dtype dtype) {
  return family::cases(GeluTanh::op, spec_json(), dtype, family::Draw::hard_1e3, nullptr);
}

/// Inputs from 1e-3 to 10 in magnitude: derivatives 512-bit differences resolve.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  return family::cases(GeluTanh::op, spec_json(), dtype, family::Draw::moderate, nullptr);
}

/// The plain loop of the tanh form in T, with the derivative's inner factor
/// k (1 + m c x^2): m = 3 is right, m = 1 the bug.
template <class T>
NamedArrays<double> tanh_form_loop(const Case& c, T m) {
  const T k = T(0.79788456080286535588), cubic = T(0.044715);
  const auto t_of = [=](T x) { return std::tanh(k * (x + cubic * x * x * x)); };
  return family::loop<T>(
      c, [=](T x) { return T(0.5) * x * (1 + t_of(x)); },
      [=](T x) {
        const T t = t_of(x);
        return T(0.5) * (1 + t) + T(0.5) * x * (1 - t * t) * k * (1 + m * cubic * x * x);
      });
}

std::vector<WrongVariant> wrong_variants() {
  return {
      {"exact_gelu", "the exact (erf) GELU where the tanh approximation was asked", generate,
       run_in_dtype([](const Case& c, auto zero) {
         using T = decltype(zero);
         spec::Activation s;
         s.function = spec::ActivationFunction::gelu;
         return family::run_kernel<T>(s, c, [](const auto&... args) { fast::activation<T>(args...); });
       })},
      {"inner_derivative_without_3", "d/dx of x + c x^3 written 1 + c x^2 (the factor 3 dropped)", generate,
       run_in_dtype([](const Case& c, auto zero) { return tanh_form_loop<decltype(zero)>(c, 1); })},
      {"derivative_without_tanh_term", "the derivative as (1 + t) / 2 alone, without the x/2 (1 - t^2) k (1 + 3 c x^2) term",
       generate, run_in_dtype([](const Case& c, auto zero) {
         using T = decltype(zero);
         const T k = T(0.79788456080286535588), cubic = T(0.044715);
         const auto t_of = [=](T x) { return std::tanh(k * (x + cubic * x * x * x)); };
         return family::loop<T>(c, [=](T x) { return T(0.5) * x * (1 + t_of(x)); },
                                [=](T x) { return T(0.5) * (1 + t_of(x)); });
       })},
  };
}

std::vector<InvalidCase> invalid_cases() {
  const Case b = family::base_case(GeluTanh::op, spec_json());
  std::vector<InvalidCase> out = {
      {"unknown spec field (PyTorch's approximate is the op's choice here)", with_spec(b, "approximate", "tanh"),
       "approximate"},
  };
  for (InvalidCase& c : family::input_invalid_cases(b)) out.push_back(std::move(c));
  return out;
}

}  // namespace

const Entry& gelu_tanh_entry() {
  static const Entry entry{
      .name = GeluTanh::op,
      .kind = "activation",
      .summary = "GELU's tanh approximation x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), elementwise; output and its VJP",
      .doc = "layers/gelu_tanh.md",
      .fields = fields_of<GeluTanh>(),
      .presets = presets_of_spec<GeluTanh>(),
      .inputs = {{"input", "[*]", "x (finite), any shape"},
                 {"grad_output", "[*] (input's shape)", "the upstream cotangent g = dL/dy (finite)"}},
      .outputs = {{"output", "[*]", "y = f(x)"},
                  {"grad_input", "[*]", "g * f'(x) = d(sum of grad_output * output) / d input"}},
      .make_spec = make_spec_json<GeluTanh>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"output", "input", "grad_input", "grad_output"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
