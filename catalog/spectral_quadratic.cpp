// Catalog entry for spectral_quadratic: A = Q diag(lambda) Q^T, Q an exact product
// of Givens rotations with Pythagorean-triple cosines and sines.
#include <cmath>

#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/reference/objectives/spectral_quadratic.hpp"
#include "objective_cases.hpp"

namespace gradref::catalog {
namespace {

constexpr const char* op = spec::SpectralQuadratic::op;

/// The rotations of the case (shape [R, 4], integer rows (i, j, p, q)); checks both shapes.
std::vector<spec::Givens> rotations_of(const Case& c) {
  const Array<Real>& r = input(c, "rotations");
  spec::spectral_dimension(input(c, "eigenvalues").shape(), r.shape());
  const std::vector<std::int64_t> v = integer_values(r, op, "rotations");
  std::vector<spec::Givens> out;
  for (std::size_t k = 0; k + 3 < v.size(); k += 4) out.push_back({v[k], v[k + 1], v[k + 2], v[k + 3]});
  return out;
}

NamedArrays<Real> run_reference(const Case& c) {
  spec_from_json<spec::SpectralQuadratic>(c.spec, "");
  const auto g = rotations_of(c);
  auto r = reference::spectral_quadratic(input(c, "eigenvalues"), std::span<const spec::Givens>(g));
  NamedArrays<Real> out;
  out.emplace("A", std::move(r.A));
  out.emplace("Q", std::move(r.Q));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const auto g = rotations_of(c);
  const auto r = reference::spectral_quadratic(tracked(input(c, "eigenvalues"), dtype), std::span<const spec::Givens>(g));
  NamedArrays<Real> out;
  out.emplace("A", errors_of(r.A));
  out.emplace("Q", errors_of(r.Q));
  return out;
}

template <class T>
NamedArrays<double> fast_with(const Case& c, const std::vector<spec::Givens>& g) {
  const std::vector<T> lambda = exact_values<T>(input(c, "eigenvalues"), op, "eigenvalues");
  spec::check_spectral_values<T>(lambda, [](T x) { return spec::format_double(x); });
  const std::int64_t n = static_cast<std::int64_t>(lambda.size());
  std::vector<T> A(static_cast<std::size_t>(n * n)), Q(A.size());
  fast::spectral_quadratic<T>(lambda, g, A, Q);
  NamedArrays<double> out;
  out.emplace("A", widened<T>({n, n}, A));
  out.emplace("Q", widened<T>({n, n}, Q));
  return out;
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  spec_from_json<spec::SpectralQuadratic>(c.spec, "");
  const auto g = rotations_of(c);
  return with_dtype(dtype, [&](auto zero) { return fast_with<decltype(zero)>(c, g); });
}

Array<Real> rotation_array(const std::vector<spec::Givens>& g) {
  std::vector<double> v;
  for (const spec::Givens& r : g)
    for (std::int64_t x : {r.i, r.j, r.p, r.q}) v.push_back(static_cast<double>(x));
  return gen::real_array({static_cast<std::int64_t>(g.size()), 4}, v);
}

/// 1 to 6 eigenvalues of any sign and size (zeros, ties and huge ones among them)
/// and up to four rotations.
rc::Gen<Case> generate(Dtype dtype) {
  return rc::gen::exec([dtype] {
    const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 7);
    std::vector<double> lambda = *gen::values(n, gen::hard(dtype, dtype == Dtype::float32 ? 1e30 : 1e200));
    if (n > 1 && *rc::gen::inRange(0, 4) == 0) lambda[1] = lambda[0];  // a repeated eigenvalue
    Case c{op, spec_to_json(spec::SpectralQuadratic{}), {}};
    c.inputs.emplace("eigenvalues", gen::real_array({n}, lambda));
    c.inputs.emplace("rotations", rotation_array(*objectives::rotations(n)));
    return c;
  });
}

Case base_case() {
  Case c{op, spec_to_json(spec::SpectralQuadratic{}), {}};
  c.inputs.emplace("eigenvalues", gen::real_array({3}, {1, 2, 10}));
  c.inputs.emplace("rotations", rotation_array({{0, 1, 2, 1}, {1, 2, 3, 2}}));
  return c;
}

Case with_rotations(std::vector<spec::Givens> g) {
  Case c = base_case();
  c.inputs.insert_or_assign("rotations", rotation_array(g));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  Case matrix = base_case();
  matrix.inputs.insert_or_assign("eigenvalues", gen::real_array({2, 2}, {1, 2, 3, 4}));
  Case empty = base_case();
  empty.inputs.insert_or_assign("eigenvalues", gen::real_array({0}, {}));
  Case nan_eigen = base_case();
  nan_eigen.inputs.insert_or_assign("eigenvalues", gen::real_array({3}, {1, std::nan(""), 2}));
  Case three_columns = base_case();
  three_columns.inputs.insert_or_assign("rotations", gen::real_array({1, 3}, {0, 1, 2}));
  Case fraction = base_case();
  fraction.inputs.insert_or_assign("rotations", gen::real_array({1, 4}, {0, 1, 2, 0.5}));
  Case unknown = base_case();
  unknown.spec["angle"] = 1.0;
  return {
      {"eigenvalues of rank 2", matrix, "eigenvalues.shape"},
      {"no eigenvalues", empty, "eigenvalues.shape"},
      {"eigenvalue = nan", nan_eigen, "eigenvalues[1]"},
      {"rotations of 3 columns", three_columns, "rotations.shape"},
      {"a non-integer rotation parameter", fraction, "rotations[3]"},
      {"a rotation in the plane (1, 1)", with_rotations({{1, 1, 2, 1}}), "rotations[0]"},
      {"a rotation outside the dimension", with_rotations({{0, 3, 2, 1}}), "rotations[0]"},
      {"p = q = 0", with_rotations({{0, 1, 0, 0}}), "rotations[0]"},
      {"|p| > 64", with_rotations({{0, 1, 65, 0}}), "rotations[0]"},
      {"prod (p^2 + q^2) > 4096", with_rotations({{0, 1, 8, 1}, {1, 2, 8, 1}}), "rotations"},
      {"an unknown spec field", unknown, "angle"},
  };
}

/// Cases with at least two distinct eigenvalues and one rotation, where the
/// direction of the rotation shows in A.
rc::Gen<Case> generate_rotated(Dtype dtype) {
  return rc::gen::map(generate(dtype), [dtype](Case c) {
    const std::int64_t n = std::max<std::int64_t>(2, c.inputs.at("eigenvalues").size());
    std::vector<double> lambda;
    for (std::int64_t i = 0; i < n; ++i) lambda.push_back(gen::in_dtype(1.0 + 1.5 * static_cast<double>(i), dtype));
    c.inputs.insert_or_assign("eigenvalues", gen::real_array({n}, lambda));
    c.inputs.insert_or_assign("rotations", rotation_array({{0, n - 1, 2, 1}}));
    return c;
  });
}

std::vector<WrongVariant> wrong_variants() {
  return {
      {"rotation_transposed", "each Givens rotation with the opposite sign of sine (G^T for G)", generate_rotated,
       [](const Case& c, Dtype dtype) {
         Case wrong = c;
         wrong.inputs.at("rotations") = rotation_array([&] {
           auto g = rotations_of(c);
           for (spec::Givens& r : g) r.q = -r.q;
           return g;
         }());
         return run_fast(wrong, dtype);
       }},
      {"A_from_QT", "A = Q^T diag(lambda) Q instead of Q diag(lambda) Q^T", generate_rotated,
       [](const Case& c, Dtype dtype) {
         NamedArrays<double> out = run_fast(c, dtype);
         const Array<double>& Q = out.at("Q");
         const std::int64_t n = Q.extent(0);
         Array<double>& A = out.at("A");
         for (std::int64_t i = 0; i < n; ++i)
           for (std::int64_t j = 0; j < n; ++j) {
             double acc = 0;
             for (std::int64_t k = 0; k < n; ++k)
               acc += Q[k * n + i] * static_cast<double>(c.inputs.at("eigenvalues")[k]) * Q[k * n + j];
             A[i * n + j] = acc;
           }
         return out;
       }},
      {"float32_arithmetic", "a float64 kernel that computes in float32",
       // float32 cases (exact in float64 too): the float32 kernel runs on them, and its roundings show in A.
       [](Dtype) { return generate(Dtype::float32); },
       [](const Case& c, Dtype) { return run_fast(c, Dtype::float32); }, {Dtype::float64}},
  };
}

}  // namespace

const Entry& spectral_quadratic_entry() {
  static const Entry entry{
      .name = op,
      .kind = "objective",
      .summary = "a quadratic's matrix with prescribed eigenvalues: A = Q diag(lambda) Q^T, Q an exact product of "
                 "Givens rotations with Pythagorean-triple cosine and sine",
      .doc = "objectives/spectral_quadratic.md",
      .fields = fields_of<spec::SpectralQuadratic>(),
      .presets = presets_of_spec<spec::SpectralQuadratic>(),
      .inputs = {{"eigenvalues", "[n]", "lambda, any finite values"},
                 {"rotations", "[R, 4]", "rows (i, j, p, q): a rotation in the plane (i, j) with cos = (p^2 - q^2) / "
                                         "(p^2 + q^2), sin = 2 p q / (p^2 + q^2); R may be 0",
                  true}},
      .outputs = {{"A", "[n, n]", "Q diag(lambda) Q^T, symmetric"},
                  {"Q", "[n, n]", "the rotation G_1 G_2 ... G_R"}},
      .make_spec = make_spec_json<spec::SpectralQuadratic>,
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
