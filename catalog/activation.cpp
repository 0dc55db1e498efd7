// Catalog entry for the elementwise activations (identity, relu, leaky_relu, tanh,
// sigmoid, softplus, gelu) with their vector-Jacobian products.
#include <cmath>
#include <optional>

#include "activation_family.hpp"
#include "case_edits.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/fast/layers/activation.hpp"
#include "run_in_dtype.hpp"

namespace gradref::catalog {
namespace {

using spec::Activation;
using spec::ActivationFunction;
using spec::KinkSide;
namespace family = activation_family;

Activation spec_of(const Case& c) { return spec_from_json<Activation>(c.spec, ""); }

NamedArrays<Real> run_reference(const Case& c) {
  return family::named(reference::activation(spec_of(c), input(c, "input"), input(c, "grad_output")));
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  return family::errors(reference::activation(spec_of(c), tracked(input(c, "input"), dtype),
                                              tracked(input(c, "grad_output"), dtype)));
}

template <class T>
NamedArrays<double> fast_with(const Activation& s, const Case& c) {
  return family::run_kernel<T>(s, c, [](const auto&... args) { fast::activation<T>(args...); });
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) { return fast_with<decltype(zero)>(spec_of(c), c); });
}

/// A spec of `function` (any when empty) with parameters drawn from the frameworks'
/// defaults and beyond. Thresholds are integers, exact in either dtype, so the
/// kernel's comparison with threshold rounded to T is the reference's.
rc::Gen<Activation> specs(std::optional<ActivationFunction> function) {
  return rc::gen::exec([function] {
    Activation s;
    s.function = function ? *function
                          : *rc::gen::element(ActivationFunction::identity, ActivationFunction::relu,
                                              ActivationFunction::leaky_relu, ActivationFunction::tanh,
                                              ActivationFunction::sigmoid, ActivationFunction::softplus,
                                              ActivationFunction::gelu);
    s.negative_slope = *rc::gen::element(0.01, 0.2, 0.3, 0.1, 0.0, -0.5, 1.5);
    s.beta = *rc::gen::weightedOneOf<double>({{4, rc::gen::just(1.0)}, {3, rc::gen::element(2.0, 0.5, 3.0, 0.1, 10.0)}});
    s.threshold = *rc::gen::element(20.0, 15.0, 5.0, 1.0);
    s.use_threshold = *rc::gen::arbitrary<bool>();
    s.relu_derivative_at_zero = *rc::gen::element(KinkSide::left, KinkSide::right);
    s.leaky_relu_derivative_at_zero = *rc::gen::element(KinkSide::left, KinkSide::right);
    return s;
  });
}

/// Softplus with its threshold jumps by log1p(exp(-threshold)) / beta where beta x
/// crosses the threshold; a beta x that rounds (beta not a power of 2) may land on
/// either side of it in the kernel. Such x, within 1e-3 of the threshold, are halved:
/// the jump is the definition's, the side a rounding takes is not. The margin also
/// keeps finite differences off the jump.
double off_threshold(const Json& spec, double x, Dtype dtype) {
  const Activation s = spec_from_json<Activation>(spec, "");
  if (s.function != ActivationFunction::softplus || !s.use_threshold) return x;
  if (std::abs(s.beta * x - s.threshold) > 1e-3) return x;
  return gen::in_dtype(x * 0.5, dtype);
}

/// Cases of the drawn specs. gelu's hold at most 8 elements: the exact value needs
/// erfc(-x / sqrt 2) for x < 0, which MPFR computes in milliseconds per element from
/// |x| of about 10 to 100 (150 ms at the 1024 bits of the certified-digits check),
/// and a case is evaluated whole at every precision it needs.
rc::Gen<Case> cases_of(rc::Gen<Activation> spec, Dtype dtype, family::Draw draw,
                       double (*adjust)(const Json&, double, Dtype) = off_threshold) {
  return rc::gen::mapcat(spec, [dtype, draw, adjust](const Activation& s) {
    return family::cases(Activation::op, spec_to_json(s), dtype, draw, adjust,
                         s.function == ActivationFunction::gelu);
  });
}

/// Every function and parameter; inputs to 1e4 with zeros (the kinks of relu and
/// leaky_relu, where the spec's convention decides), subnormals and tiny values.
rc::Gen<Case> generate(Dtype dtype) { return cases_of(specs(std::nullopt), dtype, family::Draw::hard); }

/// Inputs from 1e-3 to 10 in magnitude: never on a kink, never within 1e-3 of the
/// softplus threshold, and derivatives 512-bit differences resolve.
rc::Gen<Case> generate_moderate(Dtype dtype) { return cases_of(specs(std::nullopt), dtype, family::Draw::moderate); }

rc::Gen<Case> generate_for(ActivationFunction f, Dtype dtype, family::Draw draw) {
  return cases_of(specs(f), dtype, draw);
}

/// Softplus with use_threshold, threshold 1, 2 or 5 and beta 1 or 2, every x with
/// beta x 0.1 to 3 above the threshold: where the threshold turns log1p(e^z) / beta
/// into x. (At PyTorch's 20 the difference, e^-20, is below float32's resolution.)
rc::Gen<Case> generate_above_threshold(Dtype dtype) {
  const auto spec = rc::gen::exec([] {
    Activation s;
    s.function = ActivationFunction::softplus;
    s.use_threshold = true;
    s.threshold = *rc::gen::element(1.0, 2.0, 5.0);
    s.beta = *rc::gen::element(1.0, 2.0);
    return s;
  });
  return cases_of(spec, dtype, family::Draw::moderate, [](const Json& j, double x, Dtype d) {
    const Activation s = spec_from_json<Activation>(j, "");
    return gen::in_dtype((s.threshold + 0.1 + std::fmod(std::abs(x), 2.9)) / s.beta, d);
  });
}

/// Softplus without threshold on inputs of 100 to 1e4: exp(beta x) overflows.
rc::Gen<Case> generate_softplus_large(Dtype dtype) {
  const auto spec = rc::gen::map(specs(ActivationFunction::softplus), [](Activation s) {
    s.use_threshold = false;
    return s;
  });
  return cases_of(spec, dtype, family::Draw::large);
}

/// leaky_relu with a slope other than 1 and inputs of both signs.
rc::Gen<Case> generate_leaky(Dtype dtype) {
  const auto spec = rc::gen::map(specs(ActivationFunction::leaky_relu), [](Activation s) {
    if (s.negative_slope == 1.5) s.negative_slope = 0.01;
    return s;
  });
  return cases_of(spec, dtype, family::Draw::hard);
}

Activation flipped_kink(Activation s) {
  s.relu_derivative_at_zero = s.relu_derivative_at_zero == KinkSide::left ? KinkSide::right : KinkSide::left;
  s.leaky_relu_derivative_at_zero =
      s.leaky_relu_derivative_at_zero == KinkSide::left ? KinkSide::right : KinkSide::left;
  return s;
}

std::vector<WrongVariant> wrong_variants() {
  return {
      {"relu_derivative_wrong_side_at_zero",
       "relu's derivative at x = 0 taken from the other side than the spec names (1 where PyTorch gives 0)",
       [](Dtype d) { return generate_for(ActivationFunction::relu, d, family::Draw::zeros); },
       run_in_dtype([](const Case& c, auto zero) { return fast_with<decltype(zero)>(flipped_kink(spec_of(c)), c); })},
      {"leaky_relu_derivative_wrong_side_at_zero",
       "leaky_relu's derivative at x = 0 taken from the other side than the spec names",
       [](Dtype d) { return generate_for(ActivationFunction::leaky_relu, d, family::Draw::zeros); },
       run_in_dtype([](const Case& c, auto zero) { return fast_with<decltype(zero)>(flipped_kink(spec_of(c)), c); })},
      {"leaky_slope_on_wrong_side", "leaky_relu scaling the positive side: f = x < 0 ? x : a x, f' likewise",
       generate_leaky, run_in_dtype([](const Case& c, auto zero) {
         using T = decltype(zero);
         const T a = static_cast<T>(spec_of(c).negative_slope);
         return family::loop<T>(c, [a](T x) { return x < 0 ? x : a * x; }, [a](T x) { return x < 0 ? T(1) : a; });
       })},
      {"softplus_threshold_ignored",
       "softplus as log1p(exp(beta x)) / beta where the spec reverts to x above the threshold (PyTorch's)",
       generate_above_threshold, run_in_dtype([](const Case& c, auto zero) {
         Activation s = spec_of(c);
         s.use_threshold = false;
         return fast_with<decltype(zero)>(s, c);
       })},
      {"softplus_naive_exp", "softplus as log1p(exp(beta x)) / beta and its derivative as e / (1 + e), e = exp(beta x): "
       "exp overflows for large x",
       generate_softplus_large, run_in_dtype([](const Case& c, auto zero) {
         using T = decltype(zero);
         const T b = static_cast<T>(spec_of(c).beta);
         return family::loop<T>(
             c, [b](T x) { return std::log1p(std::exp(b * x)) / b; },
             [b](T x) {
               const T e = std::exp(b * x);
               return e / (1 + e);
             });
       })},
      {"tanh_derivative_missing_square", "tanh's derivative as 1 - tanh(x) instead of 1 - tanh(x)^2",
       [](Dtype d) { return generate_for(ActivationFunction::tanh, d, family::Draw::hard); },
       run_in_dtype([](const Case& c, auto zero) {
         using T = decltype(zero);
         return family::loop<T>(c, [](T x) { return std::tanh(x); }, [](T x) { return 1 - std::tanh(x); });
       })},
      {"sigmoid_derivative_at_output",
       "sigmoid's derivative evaluated at the output y = sigmoid(x): sigmoid(y) (1 - sigmoid(y))",
       [](Dtype d) { return generate_for(ActivationFunction::sigmoid, d, family::Draw::hard); },
       run_in_dtype([](const Case& c, auto zero) {
         using T = decltype(zero);
         const auto sigmoid = [](T x) { return T(1) / (T(1) + std::exp(-x)); };
         return family::loop<T>(c, sigmoid, [sigmoid](T x) {
           const T y = sigmoid(sigmoid(x));
           return y * (1 - y);
         });
       })},
      {"gelu_tanh_approximation", "gelu computed with the tanh approximation where the exact (erf) form was asked",
       [](Dtype d) { return generate_for(ActivationFunction::gelu, d, family::Draw::hard); },
       run_in_dtype([](const Case& c, auto zero) {
         using T = decltype(zero);
         return family::run_kernel<T>(spec::GeluTanh{}, c, [](const auto&... args) { fast::gelu_tanh<T>(args...); });
       })},
      {"gelu_derivative_without_density_term", "gelu's derivative as Phi(x), without the x phi(x) term",
       [](Dtype d) { return generate_for(ActivationFunction::gelu, d, family::Draw::hard); },
       run_in_dtype([](const Case& c, auto zero) {
         using T = decltype(zero);
         const auto cdf = [](T x) { return T(0.5) * (1 + std::erf(x * T(0.70710678118654752440))); };
         return family::loop<T>(c, [cdf](T x) { return x * cdf(x); }, cdf);
       })},
  };
}

std::vector<InvalidCase> invalid_cases() {
  const Case b = family::base_case(Activation::op, spec_to_json(Activation{}));
  std::vector<InvalidCase> out = {
      {"unknown function", with_spec(b, "function", "swish"), "function"},
      {"gelu_tanh is its own op", with_spec(b, "function", "gelu_tanh"), "function"},
      {"infinite negative_slope", with_spec(b, "negative_slope", "inf"), "negative_slope"},
      {"NaN negative_slope", with_spec(b, "negative_slope", "nan"), "negative_slope"},
      {"beta 0", with_spec(b, "beta", 0), "beta"},
      {"negative beta", with_spec(b, "beta", -1), "beta"},
      {"infinite beta", with_spec(b, "beta", "inf"), "beta"},
      {"infinite threshold (use_threshold false instead)", with_spec(b, "threshold", "inf"), "threshold"},
      {"unknown kink side", with_spec(b, "relu_derivative_at_zero", "middle"), "relu_derivative_at_zero"},
      {"a number for a kink side", with_spec(b, "leaky_relu_derivative_at_zero", 0.5), "leaky_relu_derivative_at_zero"},
      {"unknown spec field (Keras's name for negative_slope)", with_spec(b, "alpha", 0.3), "alpha"},
  };
  for (InvalidCase& c : family::input_invalid_cases(b)) out.push_back(std::move(c));
  return out;
}

}  // namespace

const Entry& activation_entry() {
  static const Entry entry{
      .name = Activation::op,
      .kind = "activation",
      .summary = "identity, relu, leaky_relu, tanh, sigmoid, softplus or gelu (erf), elementwise; output and its VJP",
      .doc = "layers/activation.md",
      .fields = fields_of<Activation>(),
      .presets = presets_of_spec<Activation>(),
      .inputs = {{"input", "[*]", "x (finite), any shape"},
                 {"grad_output", "[*] (input's shape)", "the upstream cotangent g = dL/dy (finite)"}},
      .outputs = {{"output", "[*]", "y = f(x)"},
                  {"grad_input", "[*]", "g * f'(x) = d(sum of grad_output * output) / d input"}},
      .make_spec = make_spec_json<Activation>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"output", "input", "grad_input", "grad_output"}},
      .deviations =
          {{"tensorflow preset: softplus", "tf.math.softplus returns x above -(log(eps) + 2) and exp(x) below "
                                           "log(eps) + 2 (eps of the dtype: about 13.9 and -13.9 in float32, 34.0 "
                                           "and -34.0 in float64), by its own comment within machine epsilon of "
                                           "softplus; gradref has no dtype-dependent cut-off and evaluates "
                                           "softplus itself (tensorflow/core/kernels/softplus_op.h)"},
           {"keras preset: leaky_relu's slope", "keras.activations.leaky_relu's default negative_slope 0.2; the "
                                                "keras.layers.LeakyReLU layer's is 0.3: set negative_slope for it"},
           {"jax preset: gelu", "jax.nn.gelu's default is approximate=True, the op gelu_tanh; function gelu is "
                                "jax.nn.gelu(approximate=False)"}},
  };
  return entry;
}

}  // namespace gradref::catalog
