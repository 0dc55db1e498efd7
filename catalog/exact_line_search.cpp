// Catalog entry for exact_line_search: the minimizing step along d on a quadratic.
#include <cmath>

#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/fast/line_search.hpp"
#include "gradref/reference/line_search.hpp"
#include "objective_cases.hpp"

namespace gradref::catalog {
namespace {

constexpr const char* op = spec::ExactLineSearch::op;

NamedArrays<Real> run_reference(const Case& c) {
  spec_from_json<spec::ExactLineSearch>(c.spec, "");
  const Real step =
      reference::exact_line_search(input(c, "A"), input(c, "b"), input(c, "theta"), input(c, "direction"));
  NamedArrays<Real> out;
  out.emplace("step", Array<Real>(Shape{}, std::vector<Real>{step}));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const Tracked step = reference::exact_line_search(tracked(input(c, "A"), dtype), tracked(input(c, "b"), dtype),
                                                    tracked(input(c, "theta"), dtype),
                                                    tracked(input(c, "direction"), dtype));
  NamedArrays<Real> out;
  out.emplace("step", Array<Real>(Shape{}, std::vector<Real>{step.error()}));
  return out;
}

template <class T>
NamedArrays<double> fast_with(const Case& c) {
  const Array<Real>& theta_in = input(c, "theta");
  const Array<Real>& direction_in = input(c, "direction");
  const Shape scalar{};
  const std::int64_t n = spec::objective_dimension(spec::Objective{}, op, theta_in.shape(),
                                                   {&input(c, "A").shape(), &input(c, "b").shape(), &scalar});
  if (direction_in.shape() != theta_in.shape())
    throw InvalidInput(op, "direction.shape", shape_text(direction_in.shape()), "theta's shape");
  const std::vector<T> A = exact_values<T>(input(c, "A"), op, "A"), b = exact_values<T>(input(c, "b"), op, "b");
  const std::vector<T> theta = exact_values<T>(theta_in, op, "theta");
  const std::vector<T> d = exact_values<T>(direction_in, op, "direction");
  const auto text = [](T x) { return spec::format_double(x); };
  spec::check_objective_values<T>(op, n, theta, A, b, {}, {}, {}, text);
  spec::require_values_in(op, "direction", std::span<const T>(d), -spec::largest_double, spec::largest_double,
                          "a finite number", text);
  const std::vector<T> step{fast::exact_line_search<T>(n, A, b, theta, d)};
  NamedArrays<double> out;
  out.emplace("step", widened<T>({}, step));
  return out;
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  spec_from_json<spec::ExactLineSearch>(c.spec, "");
  return with_dtype(dtype, [&c](auto zero) { return fast_with<decltype(zero)>(c); });
}

/// Whether the error model bounds the kernel on `c` (d^T A d certainly positive in
/// the dtype, so the kernel neither refuses it nor divides by a rounding residue).
bool bounded(const Case& c, Dtype dtype) {
  try {
    return isfinite(run_error_model(c, dtype).at("step")[0]);
  } catch (const InvalidInput&) {
    return false;
  }
}

/// A quadratic (definite three times in four, else indefinite or random symmetric),
/// theta, b and a direction: the negative gradient rounded to the dtype or a random
/// one. Draws again where d^T A d is not certainly positive in the dtype (at most 20
/// times; then A = I), which also keeps the refused d^T A d <= 0 out of the cases.
rc::Gen<Case> generate(Dtype dtype) {
  return rc::gen::exec([dtype] {
    for (int attempt = 0;; ++attempt) {
      const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 6);
      std::vector<double> A = *objectives::symmetric_matrix(dtype, n, *rc::gen::inRange(0, 4) != 0);
      if (attempt >= 20) {
        A.assign(A.size(), 0.0);
        for (std::int64_t i = 0; i < n; ++i) A[static_cast<std::size_t>(i * n + i)] = 1;
      }
      const std::vector<double> b = *gen::values(n, gen::ordinary(dtype, -2, 1));
      const std::vector<double> theta = *gen::values(n, gen::ordinary(dtype, -2, 1));
      std::vector<double> d = *gen::values(n, gen::ordinary(dtype, -2, 1));
      if (*rc::gen::arbitrary<bool>())
        for (std::int64_t i = 0; i < n; ++i) {
          double g = b[static_cast<std::size_t>(i)];
          for (std::int64_t j = 0; j < n; ++j) g += A[static_cast<std::size_t>(i * n + j)] * theta[static_cast<std::size_t>(j)];
          d[static_cast<std::size_t>(i)] = gen::in_dtype(-g, dtype);
        }
      if (attempt >= 20) d[0] = 1;
      Case c{op, spec_to_json(spec::ExactLineSearch{}), {}};
      c.inputs.emplace("A", gen::real_array({n, n}, A));
      c.inputs.emplace("b", gen::real_array({n}, b));
      c.inputs.emplace("theta", gen::real_array({n}, theta));
      c.inputs.emplace("direction", gen::real_array({n}, d));
      if (bounded(c, dtype)) return c;
    }
  });
}

Case base_case() {
  Case c{op, spec_to_json(spec::ExactLineSearch{}), {}};
  c.inputs.emplace("A", gen::real_array({2, 2}, {20, 5, 5, 2}));
  c.inputs.emplace("b", gen::real_array({2}, {-14, -6}));
  c.inputs.emplace("theta", gen::real_array({2}, {-1, -1}));
  c.inputs.emplace("direction", gen::real_array({2}, {39, 13}));
  return c;
}

Case with_input(const char* name, const Shape& shape, const std::vector<double>& values) {
  Case c = base_case();
  c.inputs.insert_or_assign(name, gen::real_array(shape, values));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  Case no_b = base_case();
  no_b.inputs.erase("b");
  return {
      {"zero direction (d^T A d = 0)", with_input("direction", {2}, {0, 0}), "direction"},
      {"negative curvature along d", with_input("A", {2, 2}, {-1, 0, 0, 1}), "direction"},
      {"A not symmetric", with_input("A", {2, 2}, {20, 5, 4, 2}), "A[1]"},
      {"A not square", with_input("A", {2, 1}, {1, 2}), "A.shape"},
      {"b missing", no_b, "inputs.b"},
      {"b of the wrong length", with_input("b", {3}, {1, 2, 3}), "b.shape"},
      {"direction of the wrong length", with_input("direction", {3}, {1, 2, 3}), "direction.shape"},
      {"theta = nan", with_input("theta", {2}, {std::nan(""), 1}), "theta[0]"},
      {"direction = inf", with_input("direction", {2}, {1, INFINITY}), "direction[1]"},
  };
}

/// A buggy exact step in T: the numerator -d^T (A theta [+ b]) over d^T A d (or d^T d).
struct Bugs {
  double sign = -1;
  bool without_b = false;
  bool over_dd = false;
};

template <class T>
T buggy_step(const Case& c, const Bugs& bugs) {
  const std::vector<T> A = exact_values<T>(input(c, "A"), op, "A"), b = exact_values<T>(input(c, "b"), op, "b");
  const std::vector<T> theta = exact_values<T>(input(c, "theta"), op, "theta");
  const std::vector<T> d = exact_values<T>(input(c, "direction"), op, "direction");
  const std::size_t n = theta.size();
  T num = 0, den = 0;
  for (std::size_t i = 0; i < n; ++i) {
    T g = 0, ad = 0;
    for (std::size_t j = 0; j < n; ++j) {
      g = g + A[i * n + j] * theta[j];
      ad = ad + A[i * n + j] * d[j];
    }
    num = num + d[i] * (bugs.without_b ? g : g + b[i]);
    den = den + d[i] * (bugs.over_dd ? d[i] : ad);
  }
  return static_cast<T>(bugs.sign) * (num / den);
}

WrongVariant variant(std::string name, std::string description, Bugs bugs) {
  return {std::move(name), std::move(description), generate, [bugs](const Case& c, Dtype dtype) {
            NamedArrays<double> out;
            const double step = with_dtype(dtype, [&](auto zero) {
              return static_cast<double>(buggy_step<decltype(zero)>(c, bugs));
            });
            out.emplace("step", Array<double>(Shape{}, std::vector<double>{step}));
            return out;
          }};
}

std::vector<WrongVariant> wrong_variants() {
  Bugs sign, without_b, over_dd;
  sign.sign = 1;
  without_b.without_b = true;
  over_dd.over_dd = true;
  return {
      variant("wrong_sign", "eta = +d^T (A theta + b) / (d^T A d): a step uphill", sign),
      variant("without_b", "the gradient A theta without b", without_b),
      variant("without_curvature", "d^T d in place of d^T A d", over_dd),
      {"float32_arithmetic", "a float64 kernel that computes in float32",
       [](Dtype) { return generate(Dtype::float32); },
       [](const Case& c, Dtype) { return run_fast(c, Dtype::float32); }, {Dtype::float64}},
  };
}

}  // namespace

const Entry& exact_line_search_entry() {
  static const Entry entry{
      .name = op,
      .kind = "line_search",
      .summary = "the exact step along d on a quadratic: eta = -d^T (A theta + b) / (d^T A d), refused when d^T A d <= 0",
      .doc = "line_search/exact_line_search.md",
      .fields = fields_of<spec::ExactLineSearch>(),
      .presets = presets_of_spec<spec::ExactLineSearch>(),
      .inputs = {{"A", "[n, n]", "the quadratic's symmetric matrix"},
                 {"b", "[n]", "its linear term (the constant c does not move the step)"},
                 {"theta", "[n]", "the point"},
                 {"direction", "[n]", "the search direction d, with d^T A d > 0"}},
      .outputs = {{"step", "[]", "eta minimizing L(theta + eta d)"}},
      .make_spec = make_spec_json<spec::ExactLineSearch>,
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
