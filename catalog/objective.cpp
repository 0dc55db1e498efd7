// Catalog entry for the test objectives: value, gradient and Hessian at theta.
#include <cmath>

#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "objective_cases.hpp"

namespace gradref::catalog {
namespace {

constexpr const char* op = spec::Objective::op;

spec::Objective spec_of(const Case& c) { return spec_from_json<spec::Objective>(c.spec, ""); }

NamedArrays<Real> run_reference(const Case& c) {
  const Array<Real>& theta = input(c, "theta");
  const auto o = reference::objective_from(spec_of(c), objectives::real_data(c), theta, op);
  NamedArrays<Real> out;
  out.emplace("value", Array<Real>(Shape{}, std::vector<Real>{o.value(theta)}));
  out.emplace("gradient", o.gradient(theta));
  out.emplace("hessian", o.hessian(theta));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const objectives::TrackedData data = objectives::tracked_data(c, dtype);
  const Array<Tracked> theta = tracked(input(c, "theta"), dtype);
  const auto o = reference::objective_from(spec_of(c), data.view(), theta, op);
  NamedArrays<Real> out;
  out.emplace("value", errors_of(Array<Tracked>(Shape{}, std::vector<Tracked>{o.value(theta)})));
  out.emplace("gradient", errors_of(o.gradient(theta)));
  out.emplace("hessian", errors_of(o.hessian(theta)));
  return out;
}

template <class T>
NamedArrays<double> fast_with(const spec::Objective& s, const Case& c) {
  const std::vector<T> theta = exact_values<T>(input(c, "theta"), op, "theta");
  const objectives::FastData<T> data = objectives::fast_data<T>(c, op);
  const std::int64_t n = objectives::check_fast(s, c, op, data, theta);
  std::vector<T> value{fast::objective_value<T>(s, n, data.view(), theta)};
  std::vector<T> gradient(static_cast<std::size_t>(n)), hessian(static_cast<std::size_t>(n * n));
  fast::objective_gradient<T>(s, n, data.view(), theta, gradient);
  fast::objective_hessian<T>(s, n, data.view(), theta, hessian);
  NamedArrays<double> out;
  out.emplace("value", widened<T>({}, value));
  out.emplace("gradient", widened<T>({n}, gradient));
  out.emplace("hessian", widened<T>({n, n}, hessian));
  return out;
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) { return fast_with<decltype(zero)>(spec_of(c), c); });
}

rc::Gen<Case> generate_kind(Dtype dtype, std::optional<spec::ObjectiveKind> kind) {
  return rc::gen::map(objectives::objective_case(dtype, op, Json::object(), false, kind), [](Case c) {
    c.spec = make_spec_json<spec::Objective>(c.spec, "");
    return c;
  });
}

/// Every kind: quadratics definite or not, Rosenbrock of 2 to 6 variables with
/// several a and b, the coupled example, logistic regression with and without L2,
/// sometimes on features up to 1e3.
rc::Gen<Case> generate(Dtype dtype) { return generate_kind(dtype, std::nullopt); }

Case with_spec(Case c, const char* field, Json value) {
  c.spec[field] = std::move(value);
  return c;
}
Case with_input(Case c, const char* name, const Shape& shape, const std::vector<double>& values) {
  c.inputs.insert_or_assign(name, gen::real_array(shape, values));
  return c;
}
Case without(Case c, const char* name) {
  c.inputs.erase(name);
  return c;
}

Case quadratic_case() {
  Case c{op, spec_to_json(spec::Objective{}), {}};
  c.inputs.emplace("theta", gen::real_array({2}, {1, -1}));
  c.inputs.emplace("A", gen::real_array({2, 2}, {2, 1, 1, 3}));
  c.inputs.emplace("b", gen::real_array({2}, {-1, 0.5}));
  c.inputs.emplace("c", gen::real_array({}, {4}));
  return c;
}

Case logistic_case() {
  Case c{op, spec_to_json(spec::Objective{}), {}};
  c.spec["kind"] = "logistic";
  c.inputs.emplace("theta", gen::real_array({2}, {0.5, -1}));
  c.inputs.emplace("features", gen::real_array({3, 2}, {1, 2, -1, 0.5, 0, 1}));
  c.inputs.emplace("labels", gen::real_array({3}, {1, 0, 1}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const double nan = std::nan("");
  const Case q = quadratic_case(), l = logistic_case();
  Case rosenbrock{op, spec_to_json(spec::Objective{}), {}};
  rosenbrock.spec["kind"] = "rosenbrock";
  rosenbrock.inputs.emplace("theta", gen::real_array({1}, {0.5}));
  Case coupled = rosenbrock;
  coupled.spec["kind"] = "coupled";
  coupled.inputs.insert_or_assign("theta", gen::real_array({3}, {1, 2, 3}));
  return {
      {"unknown kind", with_spec(q, "kind", "himmelblau"), "kind"},
      {"negative rosenbrock_b", with_spec(q, "rosenbrock_b", -1.0), "rosenbrock_b"},
      {"rosenbrock_a = inf", with_spec(q, "rosenbrock_a", "inf"), "rosenbrock_a"},
      {"negative l2", with_spec(l, "l2", -0.1), "l2"},
      {"l2 = nan", with_spec(l, "l2", "nan"), "l2"},
      {"theta of rank 2", with_input(q, "theta", {1, 2}, {1, 2}), "theta.shape"},
      {"empty theta", with_input(q, "theta", {0}, {}), "theta.shape"},
      {"theta = nan", with_input(q, "theta", {2}, {nan, 1}), "theta[0]"},
      {"quadratic without A", without(q, "A"), "inputs.A"},
      {"quadratic without c", without(q, "c"), "inputs.c"},
      {"A not square", with_input(q, "A", {2, 3}, {1, 2, 3, 4, 5, 6}), "A.shape"},
      {"A not symmetric", with_input(q, "A", {2, 2}, {2, 1, 0, 3}), "A[1]"},
      {"A = inf", with_input(q, "A", {2, 2}, {INFINITY, 1, 1, 3}), "A[0]"},
      {"b of the wrong length", with_input(q, "b", {3}, {1, 2, 3}), "b.shape"},
      {"c not a scalar", with_input(q, "c", {1}, {4}), "c.shape"},
      {"features given to a quadratic", with_input(q, "features", {1, 2}, {1, 2}), "inputs.features"},
      {"rosenbrock of one variable", rosenbrock, "theta.shape"},
      {"coupled of three variables", coupled, "theta.shape"},
      {"logistic without labels", without(l, "labels"), "inputs.labels"},
      {"logistic with A", with_input(l, "A", {2, 2}, {1, 0, 0, 1}), "inputs.A"},
      {"label 0.5", with_input(l, "labels", {3}, {1, 0.5, 1}), "labels[1]"},
      {"labels of the wrong length", with_input(l, "labels", {2}, {1, 0}), "labels.shape"},
      {"features with a column too many", with_input(l, "features", {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}),
       "features.shape"},
      {"features = nan", with_input(l, "features", {3, 2}, {1, nan, 1, 1, 1, 1}), "features[1]"},
  };
}

/// The fast kernel on the case after `edit` (of the spec or inputs), outputs after `post`.
WrongVariant variant(std::string name, std::string description, std::optional<spec::ObjectiveKind> kind,
                     std::function<void(Case&)> edit,
                     std::function<void(const Case&, NamedArrays<double>&)> post = {},
                     std::vector<Dtype> dtypes = {Dtype::float32, Dtype::float64}) {
  return {std::move(name), std::move(description), [kind](Dtype dtype) { return generate_kind(dtype, kind); },
          [edit, post](const Case& c, Dtype dtype) {
            Case wrong = c;
            edit(wrong);
            NamedArrays<double> out = run_fast(wrong, dtype);
            if (post) post(c, out);
            return out;
          },
          std::move(dtypes)};
}

/// log(1 + exp(z)) - y z as written from the formula: exp(z) overflows for z above
/// 88 (float32) or 709 (float64).
template <class T>
T naive_logistic_value(const Case& c) {
  const std::vector<T> theta = exact_values<T>(input(c, "theta"), op, "theta");
  const std::vector<T> x = exact_values<T>(input(c, "features"), op, "features");
  const std::vector<T> y = exact_values<T>(input(c, "labels"), op, "labels");
  const std::size_t n = theta.size();
  T acc = 0, sq = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    T z = 0;
    for (std::size_t j = 0; j < n; ++j) z = z + x[i * n + j] * theta[j];
    acc = acc + (std::log(T(1) + std::exp(z)) - y[i] * z);
  }
  for (const T t : theta) sq = sq + t * t;
  return acc / static_cast<T>(y.size()) + T(0.5) * (static_cast<T>(spec_of(c).l2) * sq);
}

std::vector<WrongVariant> wrong_variants() {
  using spec::ObjectiveKind;
  return {
      variant("quadratic_without_half", "theta^T A theta + b^T theta + c: the quadratic without its 1/2",
              ObjectiveKind::quadratic,
              [](Case& c) {
                c.inputs.at("A") = c.inputs.at("A").map<Real>([](const Real& a) { return 2 * a; });
              }),
      variant("rosenbrock_a_b_swapped", "Rosenbrock with a and b exchanged (parameters passed in the wrong order)",
              ObjectiveKind::rosenbrock,
              [](Case& c) {
                // b must stay >= 0: a negative a becomes b = |a|.
                const double a = c.spec["rosenbrock_a"].get<double>();
                c.spec["rosenbrock_a"] = c.spec["rosenbrock_b"];
                c.spec["rosenbrock_b"] = std::abs(a);
              }),
      variant("coupled_without_halves", "the coupled example without its factors 0.5: Rosenbrock with a = b = 1",
              ObjectiveKind::coupled,
              [](Case& c) {
                c.spec["kind"] = "rosenbrock";
                c.spec["rosenbrock_a"] = 1.0;
                c.spec["rosenbrock_b"] = 1.0;
              }),
      variant("coupled_hessian_without_theta2", "the coupled example's H_11 = 6 theta_1^2 + 1, missing -2 theta_2",
              ObjectiveKind::coupled, [](Case&) {},
              [](const Case& c, NamedArrays<double>& out) {
                out.at("hessian")[0] += 2 * static_cast<double>(input(c, "theta")[1]);
              }),
      variant("logistic_labels_flipped", "labels read the other way round (1 - y)", ObjectiveKind::logistic,
              [](Case& c) {
                c.inputs.at("labels") = c.inputs.at("labels").map<Real>([](const Real& y) { return 1 - y; });
              }),
      variant("logistic_l2_unhalved", "the penalty l2 ||theta||^2 (Keras's L2 regularizer) where l2 / 2 was asked",
              ObjectiveKind::logistic,
              [](Case& c) {
                if (c.spec["l2"].get<double>() == 0) c.spec["l2"] = 0.1;
                c.spec["l2"] = 2 * c.spec["l2"].get<double>();
              }),
      variant("logistic_sum", "the summed negative log-likelihood instead of the mean over examples",
              ObjectiveKind::logistic,
              [](Case& c) {
                const double m = static_cast<double>(input(c, "labels").size());
                c.spec["l2"] = c.spec["l2"].get<double>() / m;
              },
              [](const Case& c, NamedArrays<double>& out) {
                const double m = static_cast<double>(input(c, "labels").size());
                for (auto& [name, a] : out)
                  for (std::int64_t i = 0; i < a.size(); ++i) a[i] *= m;
              }),
      {"logistic_naive_softplus", "log(1 + exp(z)) - y z evaluated as written (exp overflows for large z)",
       // Features scaled by 2^10 (exactly): z = X theta beyond 709 on many cases.
       [](Dtype dtype) {
         return rc::gen::map(generate_kind(dtype, ObjectiveKind::logistic), [](Case c) {
           c.inputs.at("features") = c.inputs.at("features").map<Real>([](const Real& x) { return x * 1024; });
           return c;
         });
       },
       [](const Case& c, Dtype dtype) {
         NamedArrays<double> out = run_fast(c, dtype);
         out.at("value")[0] =
             with_dtype(dtype, [&c](auto zero) { return static_cast<double>(naive_logistic_value<decltype(zero)>(c)); });
         return out;
       }},
      {"float32_arithmetic", "a float64 kernel that computes in float32", generate,
       [](const Case& c, Dtype) {
         Case rounded = c;
         for (auto& [name, a] : rounded.inputs)
           a = a.map<Real>([](const Real& v) { return exact(static_cast<double>(round_to_float(v))); });
         return run_fast(rounded, Dtype::float32);
       },
       {Dtype::float64}},
  };
}

}  // namespace

const Entry& objective_entry() {
  static const Entry entry{
      .name = op,
      .kind = "objective",
      .summary = "test objectives with exact gradient and Hessian: quadratic 1/2 theta^T A theta + b^T theta + c, "
                 "Rosenbrock, the coupled example 0.5 (theta1^2 - theta2)^2 + 0.5 (theta1 - 1)^2, logistic regression",
      .doc = "objectives/objective.md",
      .fields = fields_of<spec::Objective>(),
      .presets = presets_of_spec<spec::Objective>(),
      .inputs = {{"theta", "[n]", "the point"},
                 {"A", "[n, n]", "quadratic: symmetric matrix", false, true},
                 {"b", "[n]", "quadratic: linear term", false, true},
                 {"c", "[]", "quadratic: constant", false, true},
                 {"features", "[m, n]", "logistic: one example per row (add a column of ones for an intercept)", false,
                  true},
                 {"labels", "[m]", "logistic: 0 or 1 per example", false, true}},
      .outputs = {{"value", "[]", "L(theta)"},
                  {"gradient", "[n]", "grad L(theta)"},
                  {"hessian", "[n, n]", "the Hessian of L at theta, row-major, symmetric"}},
      .make_spec = make_spec_json<spec::Objective>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = {},
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"value", "theta", "gradient"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
