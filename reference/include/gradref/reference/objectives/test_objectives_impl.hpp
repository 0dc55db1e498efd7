#pragma once
// Definitions of the test objectives (instantiated in reference/src/objectives).
// Every sum is left to right from 0, as fast/src/objectives/objectives.cpp computes it:
//   quadratic   r_i = sum_j A_ij theta_j;  value = 0.5 * (sum_i theta_i r_i) + (sum_i b_i theta_i) + c
//               gradient_i = r_i + b_i;  hessian = A
//   rosenbrock  per i < n-1: t = theta_{i+1} - theta_i * theta_i, u = a - theta_i
//               value += b * (t * t) + u * u
//               g_i += -(4b * (theta_i * t) + 2 * u);  g_{i+1} += 2b * t   (4b, 2b in double)
//               H_ii += 2 - 4b * (theta_{i+1} - 3 * (theta_i * theta_i));  H_{i,i+1} = H_{i+1,i} += -(4b * theta_i);
//               H_{i+1,i+1} += 2b
//   coupled     t = theta_1 * theta_1 - theta_2, u = theta_1 - 1;  value = 0.5 * (t * t) + 0.5 * (u * u)
//               g = (2 * (theta_1 * t) + u, -t);  H = [[(6 * (theta_1 * theta_1) - 2 * theta_2) + 1, -2 * theta_1],
//               [-2 * theta_1, 1]]
//   logistic    z_i = sum_j X_ij theta_j, s_i = 1 - 2 y_i, w = s_i z_i, e = exp(-|z_i|)
//               softplus(w) = max(w, 0) + log1p(e)       (= log(1 + exp(w)) without overflow)
//               sigma(w) = 1 / (1 + e) for w >= 0, e / (1 + e) below;  r_i = s_i sigma(w) = sigmoid(z_i) - y_i
//               h_i = (1 / (1 + e)) * (e / (1 + e)) = sigmoid(z_i) (1 - sigmoid(z_i))
//               value = (sum_i softplus) / m + 0.5 * (l2 * sum_j theta_j theta_j)
//               g_j = (sum_i r_i X_ij) / m + l2 * theta_j
//               H_jk = (sum_i (h_i X_ij) X_ik) / m [+ l2 on the diagonal], for j <= k, mirrored
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/math.hpp"
#include "gradref/reference/objectives/sums.hpp"
#include "gradref/reference/objectives/test_objectives.hpp"

namespace gradref::reference {


template <class T>
Objective<T> quadratic(const Array<T>& A, const Array<T>& b, const Array<T>& c, const char* op) {
  const Shape& as = A.shape();
  const Shape& bs = b.shape();
  const Shape& cs = c.shape();
  if (A.rank() != 2 || A.extent(0) < 1) throw InvalidInput(op, "A.shape", shape_text(as), "shape [n, n], n >= 1");
  const std::int64_t n = A.extent(0);
  const spec::Objective s;
  spec::objective_dimension(s, op, Shape{n}, {&as, &bs, &cs, nullptr, nullptr});
  spec::check_objective_values<T>(op, n, {}, A.span(), b.span(), c.span(), {}, {},
                                  [](const T& x) { return value_text(x); });
  Objective<T> o;
  o.name = "quadratic";
  o.dimension = n;
  o.value = [A, b, c, n, op](const Array<T>& theta) {
    detail::require_dimension(theta, n, op);
    std::vector<T> r;
    r.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) r.push_back(detail::dot(detail::row(A, i, n), theta.span()));
    const T quad = detail::dot(theta.span(), std::span<const T>(r));
    const T lin = detail::dot(b.span(), theta.span());
    return T(0.5) * quad + lin + c[0];
  };
  o.gradient = [A, b, n, op](const Array<T>& theta) {
    detail::require_dimension(theta, n, op);
    Array<T> g(Shape{n}, T(0.0));
    for (std::int64_t i = 0; i < n; ++i) g[i] = detail::dot(detail::row(A, i, n), theta.span()) + b[i];
    return g;
  };
  o.hessian = [A, n, op](const Array<T>& theta) {
    detail::require_dimension(theta, n, op);
    return A;
  };
  return o;
}

template <class T>
Objective<T> rosenbrock(std::int64_t n, double a, double b, const char* op) {
  spec::Objective s;
  s.kind = spec::ObjectiveKind::rosenbrock;
  s.rosenbrock_a = a;
  s.rosenbrock_b = b;
  spec::validate_objective(s, op);
  spec::objective_dimension(s, op, Shape{n}, {});
  Objective<T> o;
  o.name = "rosenbrock";
  o.dimension = n;
  o.value = [n, a, b, op](const Array<T>& theta) {
    detail::require_dimension(theta, n, op);
    T acc(0.0);
    for (std::int64_t i = 0; i + 1 < n; ++i) {
      const T t = theta[i + 1] - theta[i] * theta[i];
      const T u = T(a) - theta[i];
      acc = acc + (T(b) * (t * t) + u * u);
    }
    return acc;
  };
  o.gradient = [n, a, b, op](const Array<T>& theta) {
    detail::require_dimension(theta, n, op);
    Array<T> g(Shape{n}, T(0.0));
    for (std::int64_t i = 0; i + 1 < n; ++i) {
      const T t = theta[i + 1] - theta[i] * theta[i];
      const T u = T(a) - theta[i];
      g[i] = g[i] - (T(4.0 * b) * (theta[i] * t) + T(2.0) * u);
      g[i + 1] = g[i + 1] + T(2.0 * b) * t;
    }
    return g;
  };
  o.hessian = [n, b, op](const Array<T>& theta) {
    detail::require_dimension(theta, n, op);
    Array<T> h(Shape{n, n}, T(0.0));
    for (std::int64_t i = 0; i + 1 < n; ++i) {
      h[i * n + i] = h[i * n + i] + (T(2.0) - T(4.0 * b) * (theta[i + 1] - T(3.0) * (theta[i] * theta[i])));
      const T off = -(T(4.0 * b) * theta[i]);
      h[i * n + i + 1] = h[i * n + i + 1] + off;
      h[(i + 1) * n + i] = h[(i + 1) * n + i] + off;
      h[(i + 1) * n + i + 1] = h[(i + 1) * n + i + 1] + T(2.0 * b);
    }
    return h;
  };
  return o;
}

template <class T>
Objective<T> coupled(const char* op) {
  Objective<T> o;
  o.name = "coupled";
  o.dimension = 2;
  o.value = [op](const Array<T>& theta) {
    detail::require_dimension(theta, 2, op);
    const T t = theta[0] * theta[0] - theta[1];
    const T u = theta[0] - T(1.0);
    return T(0.5) * (t * t) + T(0.5) * (u * u);
  };
  o.gradient = [op](const Array<T>& theta) {
    detail::require_dimension(theta, 2, op);
    const T t = theta[0] * theta[0] - theta[1];
    const T u = theta[0] - T(1.0);
    return Array<T>(Shape{2}, std::vector<T>{T(2.0) * (theta[0] * t) + u, -t});
  };
  o.hessian = [op](const Array<T>& theta) {
    detail::require_dimension(theta, 2, op);
    const T off = T(-2.0) * theta[0];
    const T h11 = (T(6.0) * (theta[0] * theta[0]) - T(2.0) * theta[1]) + T(1.0);
    return Array<T>(Shape{2, 2}, std::vector<T>{h11, off, off, T(1.0)});
  };
  return o;
}

namespace detail {

/// Per example of logistic regression: softplus(s z), s sigmoid(s z) and
/// sigmoid(z) (1 - sigmoid(z)), s = 1 - 2 y.
template <class T>
struct LogisticTerms {
  T loss, residual, curvature;
};

template <class T>
LogisticTerms<T> logistic_terms(const T& z, const T& y) {
  using std::abs;
  using std::exp;
  using std::log1p;
  const bool positive = y > T(0.5);
  const T w = positive ? -z : z;
  const T e = exp(-abs(z));
  const T one_plus = T(1.0) + e;
  const T big = T(1.0) / one_plus;   // sigmoid(|z|)
  const T small = e / one_plus;      // sigmoid(-|z|)
  const T loss = maximum(w, T(0.0)) + log1p(e);
  const T sig = w >= T(0.0) ? big : small;  // sigmoid(w)
  return {loss, positive ? -sig : sig, big * small};
}

}  // namespace detail

template <class T>
Objective<T> logistic(const Array<T>& features, const Array<T>& labels, double l2, const char* op) {
  spec::Objective s;
  s.kind = spec::ObjectiveKind::logistic;
  s.l2 = l2;
  spec::validate_objective(s, op);
  const std::int64_t n = features.rank() == 2 ? features.extent(1) : 0;
  const Shape& fs = features.shape();
  const Shape& ls = labels.shape();
  if (n < 1) throw InvalidInput(op, "features.shape", shape_text(fs), "shape [m, n] with m, n >= 1");
  spec::objective_dimension(s, op, Shape{n}, {nullptr, nullptr, nullptr, &fs, &ls});
  spec::check_objective_values<T>(op, n, {}, {}, {}, {}, features.span(), labels.span(),
                                  [](const T& x) { return value_text(x); });
  const std::int64_t m = features.extent(0);
  Objective<T> o;
  o.name = "logistic";
  o.dimension = n;
  // The terms of every example at theta.
  auto terms = [features, labels, m, n](const Array<T>& theta) {
    std::vector<detail::LogisticTerms<T>> out;
    out.reserve(static_cast<std::size_t>(m));
    for (std::int64_t i = 0; i < m; ++i)
      out.push_back(detail::logistic_terms(detail::dot(detail::row(features, i, n), theta.span()), labels[i]));
    return out;
  };
  const T count(static_cast<double>(m));
  o.value = [terms, n, m, l2, count, op](const Array<T>& theta) {
    detail::require_dimension(theta, n, op);
    const auto t = terms(theta);
    T acc(0.0);
    for (std::int64_t i = 0; i < m; ++i) acc = acc + t[static_cast<std::size_t>(i)].loss;
    return acc / count + T(0.5) * (T(l2) * detail::dot(theta.span(), theta.span()));
  };
  o.gradient = [terms, features, n, m, l2, count, op](const Array<T>& theta) {
    detail::require_dimension(theta, n, op);
    const auto t = terms(theta);
    Array<T> g(Shape{n}, T(0.0));
    for (std::int64_t j = 0; j < n; ++j) {
      T acc(0.0);
      for (std::int64_t i = 0; i < m; ++i) acc = acc + t[static_cast<std::size_t>(i)].residual * features[i * n + j];
      g[j] = acc / count + T(l2) * theta[j];
    }
    return g;
  };
  o.hessian = [terms, features, n, m, l2, count, op](const Array<T>& theta) {
    detail::require_dimension(theta, n, op);
    const auto t = terms(theta);
    Array<T> h(Shape{n, n}, T(0.0));
    for (std::int64_t j = 0; j < n; ++j)
      for (std::int64_t k = j; k < n; ++k) {
        T acc(0.0);
        for (std::int64_t i = 0; i < m; ++i)
          acc = acc + (t[static_cast<std::size_t>(i)].curvature * features[i * n + j]) * features[i * n + k];
        h[j * n + k] = acc / count + (j == k ? T(l2) : T(0.0));
        h[k * n + j] = h[j * n + k];
      }
    return h;
  };
  return o;
}

template <class T>
Objective<T> objective_from(const spec::Objective& s, const ObjectiveData<T>& data, const Array<T>& theta,
                            const char* op) {
  spec::validate_objective(s, op);
  auto shape = [](const Array<T>* a) { return a ? &a->shape() : nullptr; };
  const std::int64_t n = spec::objective_dimension(
      s, op, theta.shape(),
      {shape(data.A), shape(data.b), shape(data.c), shape(data.features), shape(data.labels)});
  auto values = [](const Array<T>* a) { return a ? a->span() : std::span<const T>(); };
  spec::check_objective_values<T>(op, n, theta.span(), values(data.A), values(data.b), values(data.c),
                                  values(data.features), values(data.labels),
                                  [](const T& x) { return value_text(x); });
  switch (s.kind) {
    case spec::ObjectiveKind::quadratic:
      return quadratic(*data.A, *data.b, *data.c, op);
    case spec::ObjectiveKind::rosenbrock:
      return rosenbrock<T>(n, s.rosenbrock_a, s.rosenbrock_b, op);
    case spec::ObjectiveKind::coupled:
      return coupled<T>(op);
    case spec::ObjectiveKind::logistic:
      return logistic(*data.features, *data.labels, s.l2, op);
  }
  throw std::logic_error("objective_from: unknown kind");
}

}  // namespace gradref::reference
