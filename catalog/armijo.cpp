// Catalog entry for armijo: backtracking line search on a test objective.
#include <cmath>

#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/fast/line_search.hpp"
#include "gradref/reference/line_search.hpp"
#include "objective_cases.hpp"

namespace gradref::catalog {
namespace {

constexpr const char* op = spec::Armijo::op;

spec::Armijo spec_of(const Case& c) { return spec_from_json<spec::Armijo>(c.spec, ""); }

NamedArrays<Real> run_reference(const Case& c) {
  const spec::Armijo s = spec_of(c);
  const Array<Real>& theta = input(c, "theta");
  const auto o = reference::objective_from(s.objective, objectives::real_data(c), theta, op);
  const auto r = reference::armijo(s, o, theta, input(c, "direction"));
  NamedArrays<Real> out;
  out.emplace("step", Array<Real>(Shape{}, std::vector<Real>{r.step}));
  out.emplace("backtracks", Array<Real>(Shape{}, std::vector<Real>{Real(r.backtracks)}));
  out.emplace("value", Array<Real>(Shape{}, std::vector<Real>{r.value}));
  return out;
}

/// Whether a kernel deciding on rounded values certainly decides as the exact one:
/// each compared quantity's exact value is further from the other side than both errors.
bool certain(const Tracked& a, const Tracked& b) { return abs(a.value() - b.value()) > a.error() + b.error(); }

/// The error bounds of step, backtracks (0) and value, or infinite ones where a
/// decision of the kernel (d^T g < 0, each L(theta + eta d) <= bound) is not certain.
NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const spec::Armijo s = spec_of(c);
  const objectives::TrackedData data = objectives::tracked_data(c, dtype);
  const Array<Tracked> theta = tracked(input(c, "theta"), dtype);
  const auto o = reference::objective_from(s.objective, data.view(), theta, op);
  const auto r = reference::armijo(s, o, theta, tracked(input(c, "direction"), dtype));
  bool decided = certain(r.slope, Tracked(0.0));
  for (const auto& t : r.trials) decided = decided && certain(t.value, t.bound);
  const Real unbounded = decided ? Real(0) : Real(INFINITY);
  NamedArrays<Real> out;
  out.emplace("step", Array<Real>(Shape{}, std::vector<Real>{r.step.error() + unbounded}));
  out.emplace("backtracks", Array<Real>(Shape{}, std::vector<Real>{unbounded}));
  out.emplace("value", Array<Real>(Shape{}, std::vector<Real>{r.value.error() + unbounded}));
  return out;
}

template <class T>
struct Prepared {
  std::vector<T> theta, direction;
  objectives::FastData<T> data;
  std::int64_t n = 0;
};

template <class T>
Prepared<T> prepare(const spec::Armijo& s, const Case& c) {
  Prepared<T> p;
  p.theta = exact_values<T>(input(c, "theta"), op, "theta");
  p.data = objectives::fast_data<T>(c, op);
  p.n = objectives::check_fast(s.objective, c, op, p.data, p.theta);
  const Array<Real>& d = input(c, "direction");
  if (d.shape() != input(c, "theta").shape())
    throw InvalidInput(op, "direction.shape", shape_text(d.shape()), "theta's shape");
  p.direction = exact_values<T>(d, op, "direction");
  spec::require_values_in(op, "direction", std::span<const T>(p.direction), -spec::largest_double,
                          spec::largest_double, "a finite number", [](T x) { return spec::format_double(x); });
  return p;
}

NamedArrays<double> outputs(double step, std::int64_t backtracks, double value) {
  NamedArrays<double> out;
  out.emplace("step", Array<double>(Shape{}, std::vector<double>{step}));
  out.emplace("backtracks", Array<double>(Shape{}, std::vector<double>{static_cast<double>(backtracks)}));
  out.emplace("value", Array<double>(Shape{}, std::vector<double>{value}));
  return out;
}

template <class T>
NamedArrays<double> fast_with(const spec::Armijo& s, const Case& c) {
  const Prepared<T> p = prepare<T>(s, c);
  const auto r = fast::armijo<T>(s, p.n, p.data.view(), p.theta, p.direction);
  return outputs(r.step, r.backtracks, static_cast<double>(r.value));
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) { return fast_with<decltype(zero)>(spec_of(c), c); });
}

/// Whether the reference accepts a step on `c` and the kernel certainly decides as it does.
bool decided(const Case& c, Dtype dtype) {
  try {
    return isfinite(run_error_model(c, dtype).at("backtracks")[0]);
  } catch (const InvalidInput&) {
    return false;
  }
}

/// How the spec's line-search fields are drawn; `c` fixed when set.
rc::Gen<Case> generate_with(Dtype dtype, std::optional<double> fixed_c, std::optional<double> fixed_eta0 = {}) {
  return rc::gen::exec([=] {
    for (int attempt = 0;; ++attempt) {
      Json s = Json::object();
      s["eta0"] = fixed_eta0 ? *fixed_eta0 : *rc::gen::element(1.0, 0.5, 2.0, 10.0, 0.1);
      s["c"] = fixed_c ? *fixed_c : *rc::gen::weightedElement<double>({{3, 1e-4}, {1, 0.1}, {1, 0.5}, {1, 0.9}});
      s["shrink"] = *rc::gen::element(0.5, 0.1, 0.9, 0.3);
      s["max_backtracks"] = 400;
      // Convex quadratics: the exact step along d exists, and a large eta0 backtracks.
      Case c = *objectives::objective_case(dtype, op, s, true);
      if (attempt >= 20) c = *objectives::objective_case(dtype, op, s, true, spec::ObjectiveKind::coupled);
      c.spec = make_spec_json<spec::Armijo>(c.spec, "");
      // A descent direction: the negative gradient, or a random direction turned
      // downhill, scaled by a power of 2 to a largest entry in [1, 2) (so that eta0
      // means the same on every objective), rounded to the dtype.
      const Array<Real>& theta = input(c, "theta");
      const std::int64_t n = theta.size();
      std::vector<double> g(static_cast<std::size_t>(n));
      {
        ScopedPrecision precision(default_bits);
        spec::Armijo sp = spec_of(c);
        const auto o = reference::objective_from(sp.objective, objectives::real_data(c), theta, op);
        const Array<Real> grad = o.gradient(theta);
        for (std::int64_t i = 0; i < n; ++i) g[static_cast<std::size_t>(i)] = static_cast<double>(grad[i]);
      }
      std::vector<double> d = *gen::values(n, gen::ordinary(dtype, -1, 0));
      double slope = 0, largest = 0;
      const bool steepest = *rc::gen::arbitrary<bool>();
      for (std::int64_t i = 0; i < n; ++i) {
        double& di = d[static_cast<std::size_t>(i)];
        if (steepest) di = -g[static_cast<std::size_t>(i)];
        slope += di * g[static_cast<std::size_t>(i)];
      }
      for (double& di : d) {
        if (slope > 0) di = -di;
        largest = std::max(largest, std::abs(di));
      }
      if (largest == 0 || !std::isfinite(largest)) continue;
      for (double& di : d) di = gen::in_dtype(std::ldexp(di, -std::ilogb(largest)), dtype);
      c.inputs.emplace("direction", gen::real_array({n}, d));
      if (decided(c, dtype)) return c;
    }
  });
}

/// Every objective kind, eta0 from 0.1 to 10, c mostly 1e-4 (up to 0.9), shrink
/// 0.1 to 0.9, steepest-descent and random descent directions. Cases where the
/// reference would exhaust max_backtracks, or where a float kernel's decision
/// (d^T g < 0, L(theta + eta d) <= bound) could differ from the exact one within
/// the rounding errors, are drawn again (ties are therefore never generated).
rc::Gen<Case> generate(Dtype dtype) { return generate_with(dtype, std::nullopt); }

Case base_case() {
  Case c{op, spec_to_json(spec::Armijo{}), {}};
  c.spec["kind"] = "rosenbrock";
  c.inputs.emplace("theta", gen::real_array({2}, {-1, 1}));
  c.inputs.emplace("direction", gen::real_array({2}, {1, 0}));
  return c;
}

Case with_spec(Case c, const char* field, Json value) {
  c.spec[field] = std::move(value);
  return c;
}
Case with_input(Case c, const char* name, const Shape& shape, const std::vector<double>& values) {
  c.inputs.insert_or_assign(name, gen::real_array(shape, values));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const Case b = base_case();
  // At (-1, 1) Rosenbrock's gradient is (-4, 0): d = (-1, 0) goes uphill, d = (0, 1) is orthogonal.
  return {
      {"an ascent direction", with_input(b, "direction", {2}, {-1, 0}), "direction"},
      {"a direction orthogonal to the gradient", with_input(b, "direction", {2}, {0, 1}), "direction"},
      {"no step within max_backtracks", with_spec(with_spec(b, "eta0", 1e3), "max_backtracks", 2), "max_backtracks"},
      {"eta0 = 0", with_spec(b, "eta0", 0.0), "eta0"},
      {"c = 1", with_spec(b, "c", 1.0), "c"},
      {"c = 0", with_spec(b, "c", 0.0), "c"},
      {"shrink = 1", with_spec(b, "shrink", 1.0), "shrink"},
      {"shrink = 0", with_spec(b, "shrink", 0.0), "shrink"},
      {"negative max_backtracks", with_spec(b, "max_backtracks", -1), "max_backtracks"},
      {"max_backtracks not an integer", with_spec(b, "max_backtracks", 2.5), "max_backtracks"},
      {"unknown kind", with_spec(b, "kind", "beale"), "kind"},
      {"direction of the wrong length", with_input(b, "direction", {3}, {1, 0, 0}), "direction.shape"},
      {"direction = nan", with_input(b, "direction", {2}, {std::nan(""), 0}), "direction[0]"},
      {"theta of the wrong rank", with_input(b, "theta", {1, 2}, {-1, 1}), "theta.shape"},
      {"a quadratic without its data", with_spec(b, "kind", "quadratic"), "inputs.A"},
  };
}

/// A plausible wrong backtracking loop, in T on the fast objective.
struct Bugs {
  bool skip_first = false;      ///< the loop shrinks before its first test
  bool extra_shrink = false;    ///< returns the step shrunk once more than the one accepted
  bool plain_decrease = false;  ///< accepts any decrease, L(theta + eta d) < L(theta)
  bool slope_sign = false;      ///< bound L(theta) - c eta d^T g
};

template <class T>
NamedArrays<double> buggy(const Case& c, const Bugs& bugs) {
  const spec::Armijo s = spec_of(c);
  const Prepared<T> p = prepare<T>(s, c);
  std::vector<T> g(static_cast<std::size_t>(p.n)), x(g.size());
  fast::objective_gradient<T>(s.objective, p.n, p.data.view(), p.theta, g);
  T slope = 0;
  for (std::size_t i = 0; i < g.size(); ++i) slope = slope + p.direction[i] * g[i];
  const T start = fast::objective_value<T>(s.objective, p.n, p.data.view(), p.theta);
  double step = bugs.skip_first ? s.eta0 * s.shrink : s.eta0;
  for (std::int64_t k = 0; k <= s.max_backtracks; ++k) {
    const T t = static_cast<T>(step);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = p.theta[i] + t * p.direction[i];
    const T value = fast::objective_value<T>(s.objective, p.n, p.data.view(), x);
    const T decrease = static_cast<T>(s.c * step) * slope;
    const bool accepted = bugs.plain_decrease ? value < start : value <= (bugs.slope_sign ? start - decrease : start + decrease);
    if (accepted) {
      if (bugs.extra_shrink) return outputs(step * s.shrink, k + 1, static_cast<double>(value));
      return outputs(step, k, static_cast<double>(value));
    }
    step = step * s.shrink;
  }
  return outputs(NAN, s.max_backtracks, NAN);
}

WrongVariant variant(std::string name, std::string description, Bugs bugs, std::optional<double> fixed_c) {
  return {std::move(name), std::move(description),
          [fixed_c](Dtype dtype) { return generate_with(dtype, fixed_c); },
          [bugs](const Case& c, Dtype dtype) {
            return with_dtype(dtype, [&](auto zero) { return buggy<decltype(zero)>(c, bugs); });
          }};
}

std::vector<WrongVariant> wrong_variants() {
  Bugs skip, extra, plain, sign;
  skip.skip_first = true;
  extra.extra_shrink = true;
  plain.plain_decrease = true;
  sign.slope_sign = true;
  return {
      variant("skips_eta0", "the loop shrinks before its first test: eta0 itself is never tried", skip, std::nullopt),
      variant("one_shrink_too_many", "returns the accepted step times shrink (the loop shrinks before it exits)", extra,
              std::nullopt),
      variant("plain_decrease", "accepts any decrease L(theta + eta d) < L(theta), without c eta d^T g", plain, 0.5),
      variant("slope_sign", "the bound L(theta) - c eta d^T g: the sufficient decrease with the wrong sign", sign, 0.5),
      {"float32_arithmetic", "a float64 kernel that computes in float32",
       [](Dtype) { return generate(Dtype::float32); },
       [](const Case& c, Dtype) { return run_fast(c, Dtype::float32); }, {Dtype::float64}},
  };
}

}  // namespace

const Entry& armijo_entry() {
  static const Entry entry{
      .name = op,
      .kind = "line_search",
      .summary = "Armijo backtracking on a test objective: the first of eta0, shrink eta0, ... with L(theta + eta d) "
                 "<= L(theta) + c eta d^T g; refuses a d that is not a descent direction",
      .doc = "line_search/armijo.md",
      .fields = fields_of<spec::Armijo>(),
      .presets = presets_of_spec<spec::Armijo>(),
      .inputs = {{"theta", "[n]", "the point"},
                 {"direction", "[n]", "the search direction d, with d^T grad L(theta) < 0"},
                 {"A", "[n, n]", "quadratic: symmetric matrix", false, true},
                 {"b", "[n]", "quadratic: linear term", false, true},
                 {"c", "[]", "quadratic: constant", false, true},
                 {"features", "[m, n]", "logistic: one example per row", false, true},
                 {"labels", "[m]", "logistic: 0 or 1 per example", false, true}},
      .outputs = {{"step", "[]", "the accepted step eta (a double in every dtype)", false, false, true},
                  {"backtracks", "[]", "how many times the step shrank before it was accepted", true},
                  {"value", "[]", "L(theta + eta d) at the accepted step"}},
      .make_spec = make_spec_json<spec::Armijo>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = {},
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
