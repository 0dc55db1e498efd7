// Catalog entry for look-ahead Nesterov on a quadratic objective
// (spec/nesterov_lookahead.hpp). Not a generic rule entry: there is no gradient
// input, because the gradient must be taken at the look-ahead point; the case
// carries the objective (hessian A, linear b) and the op evaluates A x + b there.
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/rules/nesterov_lookahead.hpp"
#include "gradref/reference/rules/nesterov_lookahead.hpp"
#include "rule_entry.hpp"
#include "run_in_dtype.hpp"

namespace gradref::catalog {
namespace {

using spec::NesterovLookahead;
constexpr const char* op = NesterovLookahead::op;

NesterovLookahead spec_of(const Case& c) { return spec_from_json<NesterovLookahead>(c.spec, ""); }

/// The objective's arrays, checked: shapes, and A symmetric (exactly).
void check_objective(const Case& c) {
  const Array<Real>& a = input(c, "hessian");
  spec::require_quadratic(op, input(c, "param").shape(), a.shape(), input(c, "linear").shape());
  const std::int64_t n = input(c, "param").size();
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < i; ++j)
      if (a[i * n + j] != a[j * n + i])
        throw InvalidInput(op, "hessian", "A[" + std::to_string(i) + "][" + std::to_string(j) + "] != A[" +
                                              std::to_string(j) + "][" + std::to_string(i) + "]",
                           "a symmetric matrix (the Hessian of the quadratic)");
}

template <class T, class Convert>
NamedArrays<Real> reference_outputs(const Case& c, Convert convert, bool errors) {
  const NesterovLookahead s = spec_of(c);
  check_objective(c);
  reference::RuleState<T> st{convert(input(c, "param")), {convert(input(c, "velocity"))}, {}, rules::step_of(c, op)};
  const Array<T> a = convert(input(c, "hessian")), b = convert(input(c, "linear"));
  reference::nesterov_lookahead<T>(s, st, [&a, &b](const Array<T>& x) { return reference::quadratic_gradient(a, b, x); });
  NamedArrays<Real> out;
  if constexpr (std::is_same_v<T, Real>) {
    out.emplace("param", st.param);
    out.emplace("velocity", st.slots[0]);
  } else {
    out.emplace("param", errors_of(st.param));
    out.emplace("velocity", errors_of(st.slots[0]));
  }
  out.emplace("step", Array<Real>(Shape{}, std::vector<Real>{errors ? Real(0) : Real(st.step)}));
  return out;
}

NamedArrays<Real> run_reference(const Case& c) {
  return reference_outputs<Real>(c, [](const Array<Real>& a) { return a; }, false);
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  return reference_outputs<Tracked>(c, [dtype](const Array<Real>& a) { return tracked(a, dtype); }, true);
}

/// The fast kernel on the case, with `spec` in place of the case's (for variants).
template <class T>
NamedArrays<double> fast_outputs(const Case& c, const NesterovLookahead& s) {
  check_objective(c);
  const Shape& shape = input(c, "param").shape();
  std::vector<T> param = exact_values<T>(input(c, "param"), op, "param");
  std::vector<T> velocity = exact_values<T>(input(c, "velocity"), op, "velocity");
  const std::vector<T> a = exact_values<T>(input(c, "hessian"), op, "hessian");
  const std::vector<T> b = exact_values<T>(input(c, "linear"), op, "linear");
  spec::require_shape(op, "velocity", input(c, "velocity").shape(), shape);
  fast::QuadraticLookahead<T> buffers{param, velocity, a, b, rules::step_of(c, op)};
  fast::nesterov_lookahead(s, buffers);
  NamedArrays<double> out;
  out.emplace("param", widened<T>(shape, param));
  out.emplace("velocity", widened<T>(shape, velocity));
  out.emplace("step", Array<double>(Shape{}, std::vector<double>{static_cast<double>(buffers.step)}));
  return out;
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) { return fast_outputs<decltype(zero)>(c, spec_of(c)); });
}

rc::Gen<Case> generate(Dtype dtype) {
  return rc::gen::exec([dtype] {
    NesterovLookahead s;
    s.lr = *rc::gen::element(0.01, 0.1, 0.001, 0.0);
    s.momentum = *rc::gen::element(0.9, 0.5, 0.99, 0.0);
    s.steps = *rc::gen::inRange<std::int64_t>(1, 6);
    s.maximize = *rc::gen::arbitrary<bool>();
    const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 9);
    Case c{op, spec_to_json(s), {}};
    // Moderate values: a few steps of a quadratic multiply by up to (1 + lr |A|)^steps.
    const auto value = gen::ordinary(dtype, -2, 1);
    std::vector<double> a = *gen::values(n * n, value);
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < i; ++j) a[static_cast<std::size_t>(i * n + j)] = a[static_cast<std::size_t>(j * n + i)];
    c.inputs.emplace("param", gen::real_array({n}, *gen::values(n, value)));
    c.inputs.emplace("velocity", gen::real_array({n}, *gen::values(n, gen::ordinary(dtype, -4, -1))));
    c.inputs.emplace("hessian", gen::real_array({n, n}, a));
    c.inputs.emplace("linear", gen::real_array({n}, *gen::values(n, value)));
    c.inputs.emplace("step", gen::real_array({}, {static_cast<double>(*rc::gen::inRange(0, 100))}));
    return c;
  });
}

Case base_case() {
  Case c{op, spec_to_json(NesterovLookahead{}), {}};
  c.inputs.emplace("param", gen::real_array({2}, {-1.0, -1.0}));
  c.inputs.emplace("velocity", gen::real_array({2}, {0.0, 0.0}));
  c.inputs.emplace("hessian", gen::real_array({2, 2}, {20.0, 5.0, 5.0, 2.0}));
  c.inputs.emplace("linear", gen::real_array({2}, {-14.0, -6.0}));
  c.inputs.emplace("step", gen::real_array({}, {0.0}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  std::vector<InvalidCase> out;
  const auto with_spec = [&out](const char* what, const char* field, const Json& value) {
    Case c = base_case();
    c.spec[field] = value;
    out.push_back({what, c, field});
  };
  with_spec("negative learning rate", "lr", -0.1);
  with_spec("momentum = 1", "momentum", 1.0);
  with_spec("zero steps", "steps", 0);
  with_spec("fractional steps", "steps", 1.5);
  with_spec("unknown field", "nesterov", true);
  const auto with_input = [&out](const char* what, const char* field, const char* name, Array<Real> value) {
    Case c = base_case();
    c.inputs.insert_or_assign(name, std::move(value));
    out.push_back({what, c, field});
  };
  with_input("asymmetric hessian", "hessian", "hessian", gen::real_array({2, 2}, {20.0, 5.0, 4.0, 2.0}));
  with_input("hessian of the wrong size", "hessian.shape", "hessian", gen::real_array({2, 1}, {1.0, 2.0}));
  with_input("linear term of the wrong size", "linear.shape", "linear", gen::real_array({3}, {1, 2, 3}));
  with_input("velocity of the wrong size", "velocity.shape", "velocity", gen::real_array({1}, {0}));
  with_input("param as a matrix", "param.shape", "param", gen::real_array({1, 2}, {1, 2}));
  with_input("negative step counter", "step", "step", gen::real_array({}, {-1}));
  Case missing = base_case();
  missing.inputs.erase("velocity");
  out.push_back({"velocity missing", missing, "inputs.velocity"});
  return out;
}

/// What a user writes who takes the gradient at theta: classical (heavy-ball) momentum
/// in the velocity form, not Nesterov's method.
template <class T>
NamedArrays<double> gradient_at_param(const Case& c, T) {
  const NesterovLookahead s = spec_of(c);
  const std::int64_t n = input(c, "param").size();
  std::vector<T> theta = exact_values<T>(input(c, "param"), op, "param");
  std::vector<T> v = exact_values<T>(input(c, "velocity"), op, "velocity");
  const std::vector<T> a = exact_values<T>(input(c, "hessian"), op, "hessian");
  const std::vector<T> b = exact_values<T>(input(c, "linear"), op, "linear");
  for (std::int64_t k = 0; k < s.steps; ++k) {
    std::vector<T> g(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      T sum = 0;
      for (std::int64_t j = 0; j < n; ++j) sum += a[static_cast<std::size_t>(i * n + j)] * theta[static_cast<std::size_t>(j)];
      g[static_cast<std::size_t>(i)] = (sum + b[static_cast<std::size_t>(i)]) * (s.maximize ? T(-1) : T(1));
    }
    for (std::size_t i = 0; i < g.size(); ++i) {
      v[i] = static_cast<T>(s.momentum) * v[i] - static_cast<T>(s.lr) * g[i];
      theta[i] = theta[i] + v[i];
    }
  }
  const Shape& shape = input(c, "param").shape();
  NamedArrays<double> out;
  out.emplace("param", widened<T>(shape, theta));
  out.emplace("velocity", widened<T>(shape, v));
  out.emplace("step", Array<double>(Shape{}, std::vector<double>{static_cast<double>(rules::step_of(c, op) + s.steps)}));
  return out;
}

std::vector<WrongVariant> wrong_variants() {
  std::vector<WrongVariant> out;
  out.push_back({"gradient_at_param", "the gradient taken at theta instead of theta + momentum * velocity (classical momentum)",
                 generate, run_in_dtype([](const Case& c, auto zero) { return gradient_at_param(c, zero); })});
  out.push_back({"maximize_ignored", "descent where the spec asks for ascent, and vice versa", generate,
                 [](const Case& c, Dtype dtype) {
                   NesterovLookahead s = spec_of(c);
                   s.maximize = !s.maximize;
                   return with_dtype(dtype, [&](auto zero) { return fast_outputs<decltype(zero)>(c, s); });
                 }});
  out.push_back({"float32_arithmetic", "a float64 kernel that computes in float32", generate,
                 [](const Case& c, Dtype) {
                   Case narrowed = c;
                   for (auto& [name, a] : narrowed.inputs)
                     a = a.map<Real>([](const Real& x) { return exact(static_cast<double>(round_to_float(x))); });
                   return run_fast(narrowed, Dtype::float32);
                 },
                 {Dtype::float64}});
  return out;
}

}  // namespace

const Entry& nesterov_lookahead_entry() {
  static const Entry entry{
      .name = op,
      .kind = "rule",
      .summary = "Nesterov momentum in the look-ahead form (gradient at theta + mu v) on a quadratic objective",
      .doc = "rules/nesterov_lookahead.md",
      .fields = fields_of<NesterovLookahead>(),
      .presets = presets_of_spec<NesterovLookahead>(),
      .inputs = {{"param", "[n]", "parameters theta"},
                 {"velocity", "[n]", "velocity v"},
                 {"hessian", "[n, n]", "A of the objective 1/2 theta^T A theta + b^T theta; symmetric"},
                 {"linear", "[n]", "b of the objective"},
                 {"step", "[]", "steps already taken", true}},
      .outputs = {{"param", "[n]", "parameters after spec.steps steps"},
                  {"velocity", "[n]", "updated velocity"},
                  {"step", "[]", "step + spec.steps", true}},
      .make_spec = make_spec_json<NesterovLookahead>,
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
