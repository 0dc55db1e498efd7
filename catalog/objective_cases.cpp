#include "objective_cases.hpp"

#include <cmath>

#include "gradref/catalog/generators.hpp"

namespace gradref::catalog::objectives {
namespace {

const Array<Real>* find_input(const Case& c, const char* name) {
  auto it = c.inputs.find(name);
  return it == c.inputs.end() ? nullptr : &it->second;
}

constexpr const char* data_names[] = {"A", "b", "c", "features", "labels"};

}  // namespace

reference::ObjectiveData<Real> real_data(const Case& c) {
  return {find_input(c, "A"), find_input(c, "b"), find_input(c, "c"), find_input(c, "features"),
          find_input(c, "labels")};
}

reference::ObjectiveData<Tracked> TrackedData::view() const {
  auto p = [](const std::optional<Array<Tracked>>& a) { return a ? &*a : nullptr; };
  return {p(A), p(b), p(c), p(features), p(labels)};
}

TrackedData tracked_data(const Case& c, Dtype dtype) {
  TrackedData out;
  std::optional<Array<Tracked>>* slots[] = {&out.A, &out.b, &out.c, &out.features, &out.labels};
  for (int i = 0; i < 5; ++i)
    if (const Array<Real>* a = find_input(c, data_names[i])) *slots[i] = tracked(*a, dtype);
  return out;
}

template <class T>
FastData<T> fast_data(const Case& c, const char* op) {
  FastData<T> out;
  std::vector<T>* slots[] = {&out.A, &out.b, &out.c, &out.features, &out.labels};
  for (int i = 0; i < 5; ++i)
    if (const Array<Real>* a = find_input(c, data_names[i])) *slots[i] = exact_values<T>(*a, op, data_names[i]);
  return out;
}
template FastData<float> fast_data<float>(const Case&, const char*);
template FastData<double> fast_data<double>(const Case&, const char*);

template <class T>
std::int64_t check_fast(const spec::Objective& s, const Case& c, const char* op, const FastData<T>& data,
                        const std::vector<T>& theta) {
  spec::validate_objective(s, op);
  auto shape = [&c](const char* name) {
    const Array<Real>* a = find_input(c, name);
    return a ? &a->shape() : nullptr;
  };
  const std::int64_t n = spec::objective_dimension(s, op, input(c, "theta").shape(),
                                                   {shape("A"), shape("b"), shape("c"), shape("features"), shape("labels")});
  spec::check_objective_values<T>(op, n, theta, data.A, data.b, data.c, data.features, data.labels,
                                  [](T x) { return spec::format_double(x); });
  return n;
}
template std::int64_t check_fast<float>(const spec::Objective&, const Case&, const char*, const FastData<float>&,
                                        const std::vector<float>&);
template std::int64_t check_fast<double>(const spec::Objective&, const Case&, const char*, const FastData<double>&,
                                         const std::vector<double>&);

rc::Gen<std::vector<spec::Givens>> rotations(std::int64_t n) {
  return rc::gen::exec([n] {
    std::vector<spec::Givens> out;
    if (n < 2) return out;
    std::int64_t d = 1;
    const int count = *rc::gen::inRange(0, 5);
    for (int r = 0; r < count; ++r) {
      spec::Givens g;
      g.i = *rc::gen::inRange<std::int64_t>(0, n);
      g.j = (g.i + *rc::gen::inRange<std::int64_t>(1, n)) % n;
      // (2, 1): 3-4-5; (3, 2): 5-12-13; (4, 1): 8-15-17; (1, 1): a quarter turn; negatives turn back.
      const auto pq = *rc::gen::element(std::pair<int, int>{2, 1}, std::pair<int, int>{3, 2}, std::pair<int, int>{4, 1},
                                        std::pair<int, int>{1, 1}, std::pair<int, int>{1, 2}, std::pair<int, int>{5, 2});
      g.p = pq.first;
      g.q = *rc::gen::arbitrary<bool>() ? pq.second : -pq.second;
      const std::int64_t r2 = g.p * g.p + g.q * g.q;
      if (d * r2 > spec::largest_rotation_denominator) break;
      d *= r2;
      out.push_back(g);
    }
    return out;
  });
}

rc::Gen<std::vector<double>> symmetric_matrix(Dtype dtype, std::int64_t n, bool definite) {
  return rc::gen::exec([dtype, n, definite] {
    const std::size_t size = static_cast<std::size_t>(n * n);
    std::vector<double> A(size);
    if (!definite && *rc::gen::inRange(0, 3) == 0) {
      for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = i; j < n; ++j)
          A[static_cast<std::size_t>(i * n + j)] = A[static_cast<std::size_t>(j * n + i)] = *gen::ordinary(dtype, -2, 1);
      return A;
    }
    // Eigenvalues of ordinary size, positive (or of either sign when not definite).
    std::vector<double> lambda(static_cast<std::size_t>(n));
    for (double& l : lambda) {
      const double x = std::abs(*gen::ordinary(dtype, -2, 2));
      l = gen::in_dtype((definite || *rc::gen::arbitrary<bool>()) ? std::max(x, 1e-2) : -x, dtype);
    }
    const std::vector<spec::Givens> g = *rotations(n);
    return with_dtype(dtype, [&](auto zero) {
      using T = decltype(zero);
      std::vector<T> l(lambda.begin(), lambda.end()), a(size), q(size);
      fast::spectral_quadratic<T>(l, g, a, q);
      return std::vector<double>(a.begin(), a.end());
    });
  });
}

rc::Gen<Case> objective_case(Dtype dtype, const char* op, Json fields, bool convex,
                             std::optional<spec::ObjectiveKind> fixed_kind) {
  return rc::gen::exec([=] {
    using spec::ObjectiveKind;
    const ObjectiveKind kind =
        fixed_kind ? *fixed_kind
                   : *rc::gen::weightedElement<ObjectiveKind>({{3, ObjectiveKind::quadratic},
                                                               {2, ObjectiveKind::rosenbrock},
                                                               {1, ObjectiveKind::coupled},
                                                               {3, ObjectiveKind::logistic}});
    Json s = fields;
    std::int64_t n = 2;
    Case c{op, {}, {}};
    switch (kind) {
      case ObjectiveKind::quadratic: {
        s["kind"] = "quadratic";
        n = *rc::gen::inRange<std::int64_t>(1, 6);
        c.inputs.emplace("A", gen::real_array({n, n}, *symmetric_matrix(dtype, n, convex)));
        c.inputs.emplace("b", gen::real_array({n}, *gen::values(n, gen::ordinary(dtype, -2, 1))));
        c.inputs.emplace("c", gen::real_array({}, {*gen::ordinary(dtype, -2, 1)}));
        break;
      }
      case ObjectiveKind::rosenbrock:
        s["kind"] = "rosenbrock";
        n = *rc::gen::inRange<std::int64_t>(2, 7);
        s["rosenbrock_a"] = *rc::gen::element(1.0, 0.5, -2.0, 3.0, 0.1);
        s["rosenbrock_b"] = *rc::gen::element(100.0, 1.0, 10.0, 0.5, 0.0);
        break;
      case ObjectiveKind::coupled:
        s["kind"] = "coupled";
        break;
      case ObjectiveKind::logistic: {
        s["kind"] = "logistic";
        n = *rc::gen::inRange<std::int64_t>(1, 5);
        const std::int64_t m = *rc::gen::inRange<std::int64_t>(1, 9);
        s["l2"] = *rc::gen::element(0.0, 0.0, 0.01, 0.1, 1.0);
        // Mostly features of ordinary size; one case in five up to 1e3, so z = X theta
        // reaches 1e4, where a naive log(1 + exp(z)) overflows (the stable softplus
        // never forms exp(z) for z > 0).
        const auto feature = *rc::gen::weightedElement<int>({{4, 0}, {1, 1}}) == 0 ? gen::ordinary(dtype, -2, 1)
                                                                                     : gen::ordinary(dtype, 1, 3);
        c.inputs.emplace("features", gen::real_array({m, n}, *gen::values(m * n, feature)));
        std::vector<double> labels;
        for (std::int64_t i = 0; i < m; ++i) labels.push_back(*rc::gen::arbitrary<bool>() ? 1.0 : 0.0);
        c.inputs.emplace("labels", gen::real_array({m}, labels));
        break;
      }
    }
    c.inputs.emplace("theta", gen::real_array({n}, *gen::values(n, gen::ordinary(dtype, -2, 1))));
    c.spec = s;
    return c;
  });
}

}  // namespace gradref::catalog::objectives
