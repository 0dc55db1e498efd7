// Catalog entry for the Gaussian negative log-likelihood.
#include <cmath>
#include <numbers>
#include <optional>

#include "gradref/fast/losses/gaussian_nll.hpp"
#include "gradref/reference/losses/gaussian_nll.hpp"
#include "pointwise_loss.hpp"

namespace gradref::catalog {
namespace {

using spec::GaussianNll;
using pointwise::Pairing;

GaussianNll spec_of(const Case& c) { return spec_from_json<GaussianNll>(c.spec, ""); }

const Array<Real>* var_of(const Case& c) {
  auto it = c.inputs.find("var");
  return it == c.inputs.end() ? nullptr : &it->second;
}

template <class T>
NamedArrays<T> named(reference::GaussianNllResult<T>&& r) {
  NamedArrays<T> out;
  out.emplace("loss", std::move(r.loss));
  out.emplace("grad_input", std::move(r.grad_input));
  out.emplace("grad_target", std::move(r.grad_target));
  if (r.grad_var) out.emplace("grad_var", std::move(*r.grad_var));
  return out;
}

NamedArrays<Real> run_reference(const Case& c) {
  return named(reference::gaussian_nll(spec_of(c), input(c, "input"), input(c, "target"), var_of(c)));
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  std::optional<Array<Tracked>> var;
  if (const Array<Real>* v = var_of(c)) var = tracked(*v, dtype);
  auto r = reference::gaussian_nll(spec_of(c), tracked(input(c, "input"), dtype), tracked(input(c, "target"), dtype),
                                   var ? &*var : nullptr);
  NamedArrays<Real> out;
  out.emplace("loss", errors_of(r.loss));
  out.emplace("grad_input", errors_of(r.grad_input));
  out.emplace("grad_target", errors_of(r.grad_target));
  if (r.grad_var) out.emplace("grad_var", errors_of(*r.grad_var));
  return out;
}

/// The fast kernel on `c` under spec `s`.
template <class T>
NamedArrays<double> fast_with(const GaussianNll& s, const Case& c) {
  const Array<Real>& input_in = input(c, "input");
  const Array<Real>& target_in = input(c, "target");
  const Array<Real>* var_in = var_of(c);
  const std::int64_t n =
      spec::gaussian_nll_size(s, input_in.shape(), target_in.shape(), var_in ? &var_in->shape() : nullptr);
  const std::vector<T> x = exact_values<T>(input_in, GaussianNll::op, "input");
  const std::vector<T> y = exact_values<T>(target_in, GaussianNll::op, "target");
  const std::vector<T> w = var_in ? exact_values<T>(*var_in, GaussianNll::op, "var") : std::vector<T>{};
  const Shape loss_shape = spec::pointwise_loss_shape(s.reduction, input_in.shape());
  std::vector<T> loss(static_cast<std::size_t>(element_count(loss_shape)));
  std::vector<T> gx(static_cast<std::size_t>(n)), gy(static_cast<std::size_t>(n)), gv(w.size());
  fast::gaussian_nll<T>(s, input_in.shape(), x, y, w, loss, gx, gy, gv);
  NamedArrays<double> out;
  out.emplace("loss", widened<T>(loss_shape, loss));
  out.emplace("grad_input", widened<T>(input_in.shape(), gx));
  out.emplace("grad_target", widened<T>(input_in.shape(), gy));
  if (var_in) out.emplace("grad_var", widened<T>(input_in.shape(), gv));
  return out;
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) { return fast_with<decltype(zero)>(spec_of(c), c); });
}

/// Shapes of rank 1 to 3, mostly small, sometimes two or three blocks of 64 (the
/// pairwise tree): every element costs 256-bit logs in the reference and in the
/// error model, and the certified-digits test prints and parses every output.
rc::Gen<Shape> shapes() {
  return rc::gen::weightedOneOf<Shape>({
      {5, rc::gen::map(rc::gen::inRange<std::int64_t>(1, 33), [](std::int64_t n) { return Shape{n}; })},
      {1, rc::gen::map(rc::gen::inRange<std::int64_t>(64, 131), [](std::int64_t n) { return Shape{n}; })},
      {3, rc::gen::map(rc::gen::tuple(rc::gen::inRange<std::int64_t>(1, 7), rc::gen::inRange<std::int64_t>(1, 17)),
                       [](const std::tuple<std::int64_t, std::int64_t>& t) { return Shape{std::get<0>(t), std::get<1>(t)}; })},
      {1, rc::gen::container<Shape>(3, rc::gen::inRange<std::int64_t>(1, 5))},
  });
}

/// Shapes of up to 24 elements, for the finite-difference cases (a dozen reference
/// evaluations per sampled entry) and the wrong variants (each bug shows on any
/// element): where large shapes only cost time.
rc::Gen<Shape> small_shapes() {
  return rc::gen::weightedOneOf<Shape>({
      {3, rc::gen::map(rc::gen::inRange<std::int64_t>(1, 17), [](std::int64_t n) { return Shape{n}; })},
      {2, rc::gen::map(rc::gen::tuple(rc::gen::inRange<std::int64_t>(1, 5), rc::gen::inRange<std::int64_t>(1, 7)),
                       [](const std::tuple<std::int64_t, std::int64_t>& t) { return Shape{std::get<0>(t), std::get<1>(t)}; })},
  });
}

/// How a generated spec is drawn; each member fixed when set.
struct SpecChoice {
  std::optional<spec::Variance> variance;
  std::optional<bool> full;
  std::optional<spec::Reduction> reduction;
  std::optional<spec::GradVarBelowEps> below;
  rc::Gen<double> eps = rc::gen::weightedOneOf<double>({
      {4, rc::gen::just(1e-6)},
      {1, rc::gen::element(0.0, 1e-12, 0x1p-20, 1e-3, 0.5)},
  });
  rc::Gen<double> sigma = rc::gen::element(1.0, 0.5, 2.0, 0.1, 3.0, 1e-3, 1e3);
};

GaussianNll draw_spec(const SpecChoice& choice) {
  GaussianNll s;
  s.variance = choice.variance ? *choice.variance
                               : *rc::gen::weightedElement<spec::Variance>({{3, spec::Variance::input},
                                                                            {1, spec::Variance::fixed}});
  s.sigma = *choice.sigma;
  s.eps = *choice.eps;
  s.full = choice.full ? *choice.full : *rc::gen::arbitrary<bool>();
  s.reduction = choice.reduction ? *choice.reduction
                                 : *rc::gen::element(spec::Reduction::mean, spec::Reduction::sum, spec::Reduction::none);
  s.grad_var_below_eps = choice.below ? *choice.below
                                      : *rc::gen::element(spec::GradVarBelowEps::formula, spec::GradVarBelowEps::zero);
  return s;
}

/// eps rounded to the dtype (for float32 on either side of eps: 1e-6 rounds down,
/// 1e-3 up) and up to 4 ULPs either side of it.
rc::Gen<double> around_eps(Dtype dtype, double eps) {
  const double at_eps = gen::in_dtype(eps, dtype);
  return rc::gen::map(rc::gen::inRange(-4, 5), [dtype, at_eps](int k) {
    double v = at_eps;
    for (int i = 0; i < std::abs(k); ++i)
      v = dtype == Dtype::float32 ? std::nextafter(static_cast<float>(v), k < 0 ? 0.0f : 1.0f)
                                  : std::nextafter(v, k < 0 ? 0.0 : 1.0);
    return v;
  });
}

/// A variance exact in the dtype: ordinary (1e-3 to 1e3), around eps, 0,
/// subnormal, tiny and huge.
rc::Gen<double> variance(Dtype dtype, double eps) {
  const double huge = dtype == Dtype::float32 ? 1e30 : 1e250;
  return rc::gen::weightedOneOf<double>({
      {8, rc::gen::map(gen::ordinary(dtype, -3, 3), [dtype](double x) { return gen::in_dtype(std::abs(x), dtype); })},
      {2, around_eps(dtype, eps)},
      {1, rc::gen::just(0.0)},
      {1, rc::gen::map(rc::gen::inRange(1, 1000), [dtype](int k) { return gen::subnormal(dtype, k); })},
      {1, rc::gen::map(gen::ordinary(dtype, -30, -20), [dtype](double x) { return gen::in_dtype(std::abs(x), dtype); })},
      {1, rc::gen::map(rc::gen::inRange(1, 1000), [dtype, huge](int k) { return gen::in_dtype(huge * k / 1000.0, dtype); })},
  });
}

/// Where the error model stays finite: |d| / v, d^2 / v and 1 / v far below the
/// largest finite value (sums of up to 200 losses, and (1 - q) / v, included).
struct Limits {
  double ratio;      ///< bound on |x - y| / v
  double quotient;   ///< bound on (x - y)^2 / v
  double smallest_v; ///< smallest v with 0.5 / v finite
};
Limits limits(Dtype dtype) {
  return dtype == Dtype::float32 ? Limits{1e17, 1e32, 1e-30} : Limits{1e140, 1e290, 1e-290};
}

/// A case with a shape from `shape_gen` and spec `s`: input and target from `value` and `pairing` (offsets from
/// `offset`), var from `var_gen` when the variance is input. Elements beyond
/// limits(dtype) get target = input (or, for a var too small to invert, var = 1).
rc::Gen<Case> case_with(Dtype dtype, rc::Gen<Shape> shape_gen, GaussianNll s, rc::Gen<double> value,
                        rc::Gen<Pairing> pairing, rc::Gen<double> offset, rc::Gen<double> var_gen) {
  return rc::gen::exec([=] {
    const Shape shape = *shape_gen;
    const std::int64_t n = element_count(shape);
    std::vector<double> x = *gen::values(n, value), y = *gen::values(n, value);
    const Pairing p = *pairing;
    for (std::size_t i = 0; i < y.size(); ++i) {
      if (p == Pairing::all_ties || (p == Pairing::some_ties && *rc::gen::arbitrary<bool>())) y[i] = x[i];
      if (p == Pairing::offset) {
        const double o = *offset;
        y[i] = gen::in_dtype(x[i] - (*rc::gen::arbitrary<bool>() ? o : -o), dtype);
      }
    }
    const bool learned = s.variance == spec::Variance::input;
    std::vector<double> w = learned ? *gen::values(n, var_gen) : std::vector<double>{};
    const Limits lim = limits(dtype);
    for (std::size_t i = 0; i < x.size(); ++i) {
      double v = s.sigma * s.sigma;
      if (learned) {
        if (std::max(w[i], s.eps) < lim.smallest_v) w[i] = 1;
        v = std::max(w[i], s.eps);
      }
      const double d = std::abs(x[i] - y[i]);
      if (d / v > lim.ratio || d * (d / v) > lim.quotient) y[i] = x[i];
    }
    Case c{GaussianNll::op, spec_to_json(s), {}};
    c.inputs.emplace("input", gen::real_array(shape, x));
    c.inputs.emplace("target", gen::real_array(shape, y));
    if (learned) c.inputs.emplace("var", gen::real_array(shape, w));
    return c;
  });
}

/// Values up to 1e15 (float32) or 1e150 (float64), zeros, subnormals, tiny.
rc::Gen<double> values(Dtype dtype) { return gen::hard(dtype, dtype == Dtype::float32 ? 1e15 : 1e150); }

rc::Gen<Pairing> pairings() {
  return rc::gen::weightedOneOf<Pairing>({{5, rc::gen::just(Pairing::independent)},
                                          {2, rc::gen::just(Pairing::some_ties)},
                                          {1, rc::gen::just(Pairing::all_ties)},
                                          {3, rc::gen::just(Pairing::offset)}});
}

rc::Gen<Case> generate_with(Dtype dtype, SpecChoice choice, rc::Gen<Shape> shape_gen = shapes()) {
  return rc::gen::exec([dtype, choice, shape_gen] {
    const GaussianNll s = draw_spec(choice);
    return *case_with(dtype, shape_gen, s, values(dtype), pairings(), gen::ordinary(dtype, -8, 0),
                      variance(dtype, s.eps));
  });
}

/// Hard values, ties, huge residuals, and variances at, around, below (0,
/// subnormal) and far above eps, under every spec.
rc::Gen<Case> generate(Dtype dtype) { return generate_with(dtype, {}); }

/// As generate, with small shapes.
rc::Gen<Case> generate_small(Dtype dtype) { return generate_with(dtype, {}, small_shapes()); }

/// Moderate values and differences (as mse's derivative cases), variances in
/// [0.01, 10] and eps at most 0.005: no element within 0.005 of the clamp, so finite
/// differences never cross it (the clamped region has its theorem test).
rc::Gen<Case> generate_moderate(Dtype dtype) {
  SpecChoice choice;
  choice.variance = spec::Variance::input;
  choice.eps = rc::gen::element(1e-6, 0.0, 1e-3, 0.005);
  return rc::gen::exec([dtype, choice] {
    const GaussianNll s = draw_spec(choice);
    const auto var = rc::gen::map(rc::gen::inRange(10, 10001), [dtype](int k) { return gen::in_dtype(k * 1e-3, dtype); });
    return *case_with(dtype, small_shapes(), s, gen::ordinary(dtype, -2, 1), rc::gen::just(Pairing::offset),
                      rc::gen::map(rc::gen::inRange(1, 1000), [](int k) { return k / 100.0; }), var);
  });
}

/// Under the zero convention, every var within 4 ULPs of eps, with eps 1e-6, 1e-5 or
/// 1e-4, each of which float32 rounds down: a var equal to the rounded eps lies below
/// eps, where deciding var < eps on the rounded eps errs.
rc::Gen<Case> generate_around_eps(Dtype dtype) {
  SpecChoice choice;
  choice.variance = spec::Variance::input;
  choice.below = spec::GradVarBelowEps::zero;
  choice.eps = rc::gen::element(1e-6, 1e-5, 1e-4);
  return rc::gen::exec([dtype, choice] {
    const GaussianNll s = draw_spec(choice);
    return *case_with(dtype, small_shapes(), s, values(dtype), pairings(), gen::ordinary(dtype, -8, 0),
                      around_eps(dtype, s.eps));
  });
}

/// Cases where some var lies below eps (and eps matters): for the convention variants.
rc::Gen<Case> generate_below_eps(Dtype dtype, spec::GradVarBelowEps below) {
  SpecChoice choice;
  choice.variance = spec::Variance::input;
  choice.below = below;
  choice.eps = rc::gen::element(1e-6, 1e-3, 0.5);
  return generate_with(dtype, choice, small_shapes());
}

Case with_spec(Case c, const char* field, Json value) {
  c.spec[field] = std::move(value);
  return c;
}

Case with_input(Case c, const char* name, const Shape& shape, const std::vector<double>& values) {
  c.inputs.insert_or_assign(name, gen::real_array(shape, values));
  return c;
}

/// pointwise's base case (input [2, 3]) with a var.
Case base_case() {
  Case c = pointwise::base_case(GaussianNll::op, spec_to_json(GaussianNll{}));
  c.inputs.emplace("var", gen::real_array({2, 3}, {1, 0.5, 2, 0x1p-30, 0, 4}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const double nan = std::nan("");
  const double inf = INFINITY;
  // The shape and spec errors every pointwise loss refuses, each with a var shaped like its input.
  std::vector<InvalidCase> out = pointwise::shared_invalid_cases(GaussianNll::op, spec_to_json(GaussianNll{}));
  for (InvalidCase& bad : out) {
    auto it = bad.input.inputs.find("input");
    if (it != bad.input.inputs.end())
      bad.input.inputs.emplace("var", gen::real_array(it->second.shape(), std::vector<double>(
                                                                            static_cast<std::size_t>(it->second.size()), 1.0)));
  }
  const Case b = base_case();
  Case no_var = b;
  no_var.inputs.erase("var");
  const Case fixed = with_spec(b, "variance", "fixed");
  const std::vector<InvalidCase> more = {
      {"unknown variance", with_spec(b, "variance", "learned"), "variance"},
      {"unknown grad_var_below_eps", with_spec(b, "grad_var_below_eps", "clamp"), "grad_var_below_eps"},
      {"full not a flag", with_spec(b, "full", "yes"), "full"},
      {"sigma = 0", with_spec(no_var, "sigma", 0.0), "sigma"},
      {"negative sigma", with_spec(no_var, "sigma", -1.0), "sigma"},
      {"sigma = nan", with_spec(no_var, "sigma", "nan"), "sigma"},
      {"sigma = inf", with_spec(no_var, "sigma", "inf"), "sigma"},
      {"sigma whose square underflows", with_spec(no_var, "sigma", 1e-200), "sigma"},
      {"sigma whose square overflows", with_spec(no_var, "sigma", 1e200), "sigma"},
      {"negative eps", with_spec(b, "eps", -1e-6), "eps"},
      {"eps = nan", with_spec(b, "eps", "nan"), "eps"},
      {"eps = inf", with_spec(b, "eps", "inf"), "eps"},
      {"var missing under variance input", no_var, "inputs.var"},
      {"var given under variance fixed", fixed, "inputs.var"},
      {"var of another shape", with_input(b, "var", {3, 2}, {1, 1, 1, 1, 1, 1}), "var.shape"},
      {"var of one fewer dimension (PyTorch broadcasts it)", with_input(b, "var", {2}, {1, 1}), "var.shape"},
      {"negative var", with_input(b, "var", {2, 3}, {1, -0.5, 2, 1, 1, 1}), "var[1]"},
      {"var = nan", with_input(b, "var", {2, 3}, {1, 1, 2, nan, 1, 1}), "var[3]"},
      {"var = inf", with_input(b, "var", {2, 3}, {1, 1, 2, 1, inf, 1}), "var[4]"},
      {"var = 0 with eps = 0", with_spec(b, "eps", 0.0), "var[4]"},
      {"input = inf", with_input(b, "input", {2, 3}, {1, -2, inf, 3, 0, -1.25}), "input[2]"},
      {"target = nan", with_input(b, "target", {2, 3}, {nan, -2, 1.5, -1, 0.25, 4}), "target[0]"},
  };
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

/// The bugs a plain loop can carry; the defaults are the right loss.
struct Bugs {
  double log_factor = 1;    ///< loss = half (log_factor log v + d^2 / v^residual_power) + constant
  int residual_power = 1;
  double half = 0.5;
  double constant = 0.5 * std::log(2 * std::numbers::pi);  ///< added when full
  bool eps_added = false;        ///< v = var + eps instead of max(var, eps)
  bool sigma_as_variance = false;  ///< fixed: v = sigma instead of sigma^2
  bool grad_var_unscaled = false;  ///< mean: grad_var without the 1 / n
  bool rounded_eps_decision = false;  ///< var < eps decided against eps rounded to T
};

/// The plain loop a user might write, in T with a left-to-right sum; its gradients
/// are those of the (possibly wrong) loss it computes, with the spec's convention below eps.
template <class T>
NamedArrays<double> loop(const Case& c, const Bugs& bugs) {
  const GaussianNll s = spec_of(c);
  const Array<Real>& input_in = input(c, "input");
  const std::vector<T> x = exact_values<T>(input_in, GaussianNll::op, "input");
  const std::vector<T> y = exact_values<T>(input(c, "target"), GaussianNll::op, "target");
  const Array<Real>* var_in = var_of(c);
  const std::vector<T> w = var_in ? exact_values<T>(*var_in, GaussianNll::op, "var") : std::vector<T>{};
  const T count = static_cast<T>(x.size());
  const bool mean = s.reduction == spec::Reduction::mean;
  const T eps = static_cast<T>(s.eps), half = static_cast<T>(bugs.half), lf = static_cast<T>(bugs.log_factor);
  const T p = static_cast<T>(bugs.residual_power);
  std::vector<T> loss(x.size()), gx(x.size()), gy(x.size()), gv(w.size());
  T total = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const T d = x[i] - y[i];
    T v = static_cast<T>(bugs.sigma_as_variance ? s.sigma : s.sigma * s.sigma);
    if (var_in) v = bugs.eps_added ? w[i] + eps : std::max(w[i], eps);
    const T vp = bugs.residual_power == 1 ? v : v * v;
    loss[i] = half * (lf * std::log(v) + d * d / vp) + (s.full ? static_cast<T>(bugs.constant) : T(0));
    total += loss[i];
    gx[i] = 2 * half * d / vp / (mean ? count : T(1));
    gy[i] = -gx[i];
    if (var_in) {
      const bool below =
          !bugs.eps_added && (bugs.rounded_eps_decision ? w[i] < eps : static_cast<double>(w[i]) < s.eps);
      const T g = half * (lf - p * (d * d / vp)) / v;
      gv[i] = (below && s.grad_var_below_eps == spec::GradVarBelowEps::zero) ? T(0)
                                                                            : g / (mean && !bugs.grad_var_unscaled ? count : T(1));
    }
  }
  NamedArrays<double> out;
  if (s.reduction == spec::Reduction::none)
    out.emplace("loss", widened<T>(input_in.shape(), loss));
  else
    out.emplace("loss", Array<double>(Shape{}, std::vector<double>{static_cast<double>(mean ? total / count : total)}));
  out.emplace("grad_input", widened<T>(input_in.shape(), gx));
  out.emplace("grad_target", widened<T>(input_in.shape(), gy));
  if (var_in) out.emplace("grad_var", widened<T>(input_in.shape(), gv));
  return out;
}

std::function<NamedArrays<double>(const Case&, Dtype)> run_loop(Bugs bugs) {
  return [bugs](const Case& c, Dtype dtype) {
    return with_dtype(dtype, [&](auto zero) { return loop<decltype(zero)>(c, bugs); });
  };
}

/// The fast kernel with the spec's grad_var_below_eps swapped.
NamedArrays<double> other_convention(const Case& c, Dtype dtype) {
  GaussianNll s = spec_of(c);
  s.grad_var_below_eps = s.grad_var_below_eps == spec::GradVarBelowEps::zero ? spec::GradVarBelowEps::formula
                                                                             : spec::GradVarBelowEps::zero;
  return with_dtype(dtype, [&](auto zero) { return fast_with<decltype(zero)>(s, c); });
}

std::vector<WrongVariant> wrong_variants() {
  Bugs log_doubled, over_v_squared, no_half, half_log_pi, log_two_pi, eps_added, sigma_as_variance, unscaled,
      rounded_decision;
  log_doubled.log_factor = 2;
  over_v_squared.residual_power = 2;
  no_half.half = 1;
  half_log_pi.constant = 0.5 * std::log(std::numbers::pi);
  log_two_pi.constant = std::log(2 * std::numbers::pi);
  eps_added.eps_added = true;
  sigma_as_variance.sigma_as_variance = true;
  unscaled.grad_var_unscaled = true;
  rounded_decision.rounded_eps_decision = true;
  SpecChoice full_on;
  full_on.full = true;
  SpecChoice learned_large_eps;
  learned_large_eps.variance = spec::Variance::input;
  learned_large_eps.eps = rc::gen::element(1e-3, 0.5);
  SpecChoice fixed_not_one;
  fixed_not_one.variance = spec::Variance::fixed;
  fixed_not_one.sigma = rc::gen::element(0.5, 2.0, 0.1, 3.0);
  SpecChoice learned_mean;
  learned_mean.variance = spec::Variance::input;
  learned_mean.reduction = spec::Reduction::mean;
  const auto with = [](SpecChoice choice) {
    return [choice](Dtype dtype) { return generate_with(dtype, choice, small_shapes()); };
  };
  return {
      {"var_as_std_log", "var read as a standard deviation in the log term: 0.5 (2 log var + d^2 / var)", generate_small,
       run_loop(log_doubled)},
      {"var_as_std_residual", "var read as a standard deviation in the residual term: 0.5 (log var + d^2 / var^2)",
       generate_small, run_loop(over_v_squared)},
      {"missing_half", "log v + d^2 / v, without the factor 0.5 (gradients doubled too)", generate_small, run_loop(no_half)},
      {"eps_added", "v = var + eps instead of max(var, eps)", with(learned_large_eps), run_loop(eps_added)},
      {"full_half_log_pi", "full adds 0.5 log(pi) instead of 0.5 log(2 pi)", with(full_on), run_loop(half_log_pi)},
      {"full_log_two_pi", "full adds log(2 pi) instead of 0.5 log(2 pi)", with(full_on), run_loop(log_two_pi)},
      {"sigma_as_variance", "fixed: v = sigma instead of sigma^2", with(fixed_not_one), run_loop(sigma_as_variance)},
      {"grad_var_without_mean", "mean: grad_var not divided by n", with(learned_mean), run_loop(unscaled)},
      {"zero_under_formula", "grad_var = 0 below eps where the spec asks for PyTorch's formula",
       [](Dtype dtype) { return generate_below_eps(dtype, spec::GradVarBelowEps::formula); }, other_convention},
      {"formula_under_zero", "PyTorch's formula below eps where the spec asks for the derivative, 0",
       [](Dtype dtype) { return generate_below_eps(dtype, spec::GradVarBelowEps::zero); }, other_convention},
      {"clamp_decided_on_rounded_eps", "float32: grad_var's var < eps decided against eps rounded to float32",
       generate_around_eps, run_loop(rounded_decision), {Dtype::float32}},
      {"float32_arithmetic", "a float64 kernel that computes in float32", generate_small,
       [](const Case& c, Dtype) {
         Case rounded = c;
         for (auto& [name, a] : rounded.inputs)
           a = a.map<Real>([](const Real& v) { return exact(static_cast<double>(round_to_float(v))); });
         return loop<float>(rounded, Bugs{});
       },
       {Dtype::float64}},
  };
}

}  // namespace

const Entry& gaussian_nll_entry() {
  static const Entry entry{
      .name = GaussianNll::op,
      .kind = "loss",
      .summary = "Gaussian negative log-likelihood 0.5 (log v + (x - y)^2 / v), v = max(var, eps) or sigma^2; loss "
                 "and gradients for input, target and var",
      .doc = "losses/gaussian_nll.md",
      .fields = fields_of<GaussianNll>(),
      .presets = presets_of_spec<GaussianNll>(),
      .inputs = {{"input", "[*shape]", "means x, rank >= 1, at least one element"},
                 {"target", "[*shape]", "samples y, shaped like input"},
                 {"var", "[*shape]", "variances >= 0, shaped like input; only when variance is input", false, true}},
      .outputs = {{"loss", "[] or [*shape] (reduction none)", "the reduced loss"},
                  {"grad_input", "[*shape]", "d(sum of loss) / d input = (x - y) / v (/ n)"},
                  {"grad_target", "[*shape]", "d(sum of loss) / d target = -grad_input"},
                  {"grad_var", "[*shape]",
                   "d(sum of loss) / d var = 0.5 (1 / v - (x - y)^2 / v^2) (/ n); below eps per grad_var_below_eps; "
                   "only when variance is input",
                   false, true}},
      .make_spec = make_spec_json<GaussianNll>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"loss", "input", "grad_input"}, {"loss", "target", "grad_target"}, {"loss", "var", "grad_var"}},
      .deviations = {{"var broadcasting",
                      "PyTorch also accepts a var with one dimension fewer than input, or with an extent of 1 where "
                      "input's is larger, and broadcasts it (newer releases also take a float var); gradref takes a "
                      "var of input's shape only: expand it first, and sum grad_var over the broadcast axes for the "
                      "gradient of the unexpanded var"}},
  };
  return entry;
}

}  // namespace gradref::catalog
