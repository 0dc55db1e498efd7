// Fast test objectives and spectral_quadratic: scalar loops, every operation in
// the order reference/objectives/test_objectives_impl.hpp and
// spectral_quadratic_impl.hpp document (their Tracked instantiation is this
// code's error model). No SIMD: these are small problems for runs and line searches.
#include <algorithm>
#include <cmath>
#include <vector>

#include "gradref/fast/objectives/objective.hpp"

namespace gradref::fast {
namespace {

using spec::ObjectiveKind;

template <class T>
T dot(const T* a, const T* b, std::int64_t n) {
  T acc = 0;
  for (std::int64_t i = 0; i < n; ++i) acc = acc + a[i] * b[i];
  return acc;
}

template <class T>
struct LogisticTerms {
  T loss, residual, curvature;
};

template <class T>
LogisticTerms<T> logistic_terms(T z, T y) {
  const bool positive = y > T(0.5);
  const T w = positive ? -z : z;
  const T e = std::exp(-std::abs(z));
  const T one_plus = T(1) + e;
  const T big = T(1) / one_plus;
  const T small = e / one_plus;
  const T loss = std::max(w, T(0)) + std::log1p(e);
  const T sig = w >= T(0) ? big : small;
  return {loss, positive ? -sig : sig, big * small};
}

template <class T>
std::vector<LogisticTerms<T>> logistic_all(std::int64_t n, const ObjectiveData<T>& data, std::span<const T> theta) {
  const std::int64_t m = static_cast<std::int64_t>(data.labels.size());
  std::vector<LogisticTerms<T>> out;
  out.reserve(static_cast<std::size_t>(m));
  for (std::int64_t i = 0; i < m; ++i)
    out.push_back(logistic_terms(dot(data.features.data() + i * n, theta.data(), n), data.labels[static_cast<std::size_t>(i)]));
  return out;
}

}  // namespace

template <class T>
T objective_value(const spec::Objective& s, std::int64_t n, const ObjectiveData<T>& data, std::span<const T> th) {
  switch (s.kind) {
    case ObjectiveKind::quadratic: {
      std::vector<T> r(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) r[static_cast<std::size_t>(i)] = dot(data.A.data() + i * n, th.data(), n);
      const T quad = dot(th.data(), r.data(), n);
      const T lin = dot(data.b.data(), th.data(), n);
      return T(0.5) * quad + lin + data.c[0];
    }
    case ObjectiveKind::rosenbrock: {
      const T a = static_cast<T>(s.rosenbrock_a), b = static_cast<T>(s.rosenbrock_b);
      T acc = 0;
      for (std::size_t i = 0; i + 1 < static_cast<std::size_t>(n); ++i) {
        const T t = th[i + 1] - th[i] * th[i];
        const T u = a - th[i];
        acc = acc + (b * (t * t) + u * u);
      }
      return acc;
    }
    case ObjectiveKind::coupled: {
      const T t = th[0] * th[0] - th[1];
      const T u = th[0] - T(1);
      return T(0.5) * (t * t) + T(0.5) * (u * u);
    }
    case ObjectiveKind::logistic: {
      const auto terms = logistic_all(n, data, th);
      T acc = 0;
      for (const auto& t : terms) acc = acc + t.loss;
      return acc / static_cast<T>(terms.size()) + T(0.5) * (static_cast<T>(s.l2) * dot(th.data(), th.data(), n));
    }
  }
  return T(0);
}

template <class T>
void objective_gradient(const spec::Objective& s, std::int64_t n, const ObjectiveData<T>& data,
                        std::span<const T> th, std::span<T> g) {
  std::fill(g.begin(), g.end(), T(0));
  switch (s.kind) {
    case ObjectiveKind::quadratic:
      for (std::int64_t i = 0; i < n; ++i)
        g[static_cast<std::size_t>(i)] = dot(data.A.data() + i * n, th.data(), n) + data.b[static_cast<std::size_t>(i)];
      return;
    case ObjectiveKind::rosenbrock: {
      const T a = static_cast<T>(s.rosenbrock_a);
      const T four_b = static_cast<T>(4.0 * s.rosenbrock_b), two_b = static_cast<T>(2.0 * s.rosenbrock_b);
      for (std::size_t i = 0; i + 1 < static_cast<std::size_t>(n); ++i) {
        const T t = th[i + 1] - th[i] * th[i];
        const T u = a - th[i];
        g[i] = g[i] - (four_b * (th[i] * t) + T(2) * u);
        g[i + 1] = g[i + 1] + two_b * t;
      }
      return;
    }
    case ObjectiveKind::coupled: {
      const T t = th[0] * th[0] - th[1];
      const T u = th[0] - T(1);
      g[0] = T(2) * (th[0] * t) + u;
      g[1] = -t;
      return;
    }
    case ObjectiveKind::logistic: {
      const auto terms = logistic_all(n, data, th);
      const T count = static_cast<T>(terms.size()), l2 = static_cast<T>(s.l2);
      for (std::int64_t j = 0; j < n; ++j) {
        T acc = 0;
        for (std::size_t i = 0; i < terms.size(); ++i)
          acc = acc + terms[i].residual * data.features[i * static_cast<std::size_t>(n) + static_cast<std::size_t>(j)];
        g[static_cast<std::size_t>(j)] = acc / count + l2 * th[static_cast<std::size_t>(j)];
      }
      return;
    }
  }
}

template <class T>
void objective_hessian(const spec::Objective& s, std::int64_t n, const ObjectiveData<T>& data,
                       std::span<const T> th, std::span<T> h) {
  std::fill(h.begin(), h.end(), T(0));
  const auto at = [n](std::int64_t i, std::int64_t j) { return static_cast<std::size_t>(i * n + j); };
  switch (s.kind) {
    case ObjectiveKind::quadratic:
      std::copy(data.A.begin(), data.A.end(), h.begin());
      return;
    case ObjectiveKind::rosenbrock: {
      const T four_b = static_cast<T>(4.0 * s.rosenbrock_b), two_b = static_cast<T>(2.0 * s.rosenbrock_b);
      for (std::int64_t i = 0; i + 1 < n; ++i) {
        const T x = th[static_cast<std::size_t>(i)], next = th[static_cast<std::size_t>(i + 1)];
        h[at(i, i)] = h[at(i, i)] + (T(2) - four_b * (next - T(3) * (x * x)));
        const T off = -(four_b * x);
        h[at(i, i + 1)] = h[at(i, i + 1)] + off;
        h[at(i + 1, i)] = h[at(i + 1, i)] + off;
        h[at(i + 1, i + 1)] = h[at(i + 1, i + 1)] + two_b;
      }
      return;
    }
    case ObjectiveKind::coupled: {
      const T off = T(-2) * th[0];
      h[0] = (T(6) * (th[0] * th[0]) - T(2) * th[1]) + T(1);
      h[1] = off;
      h[2] = off;
      h[3] = T(1);
      return;
    }
    case ObjectiveKind::logistic: {
      const auto terms = logistic_all(n, data, th);
      const T count = static_cast<T>(terms.size()), l2 = static_cast<T>(s.l2);
      for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t k = j; k < n; ++k) {
          T acc = 0;
          for (std::size_t i = 0; i < terms.size(); ++i) {
            const T* x = data.features.data() + i * static_cast<std::size_t>(n);
            acc = acc + (terms[i].curvature * x[j]) * x[k];
          }
          h[at(j, k)] = acc / count + (j == k ? l2 : T(0));
          h[at(k, j)] = h[at(j, k)];
        }
      return;
    }
  }
}

template <class T>
void spectral_quadratic(std::span<const T> eigenvalues, std::span<const spec::Givens> rotations, std::span<T> A,
                        std::span<T> Q) {
  const std::int64_t n = static_cast<std::int64_t>(eigenvalues.size());
  const std::int64_t d = spec::rotation_denominator(rotations, n);
  const std::vector<std::int64_t> N = spec::rotation_numerators(rotations, n);
  const auto at = [n](std::int64_t i, std::int64_t j) { return static_cast<std::size_t>(i * n + j); };
  const T denominator = static_cast<T>(d), squared = static_cast<T>(d * d);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) Q[at(i, j)] = static_cast<T>(N[at(i, j)]) / denominator;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = i; j < n; ++j) {
      T acc = 0;
      for (std::int64_t k = 0; k < n; ++k)
        acc = acc + (static_cast<T>(N[at(i, k)]) * eigenvalues[static_cast<std::size_t>(k)]) * static_cast<T>(N[at(j, k)]);
      A[at(i, j)] = acc / squared;
      A[at(j, i)] = A[at(i, j)];
    }
}

#define GRADREF_FAST_OBJECTIVES(T)                                                                              \
  template T objective_value<T>(const spec::Objective&, std::int64_t, const ObjectiveData<T>&, std::span<const T>); \
  template void objective_gradient<T>(const spec::Objective&, std::int64_t, const ObjectiveData<T>&,            \
                                      std::span<const T>, std::span<T>);                                        \
  template void objective_hessian<T>(const spec::Objective&, std::int64_t, const ObjectiveData<T>&,             \
                                     std::span<const T>, std::span<T>);                                         \
  template void spectral_quadratic<T>(std::span<const T>, std::span<const spec::Givens>, std::span<T>, std::span<T>);
GRADREF_FAST_OBJECTIVES(float)
GRADREF_FAST_OBJECTIVES(double)
#undef GRADREF_FAST_OBJECTIVES

}  // namespace gradref::fast
