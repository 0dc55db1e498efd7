#pragma once
// Definitions of the line searches (instantiated in reference/src/line_search.cpp),
// in the order of fast/src/line_search.cpp, every sum left to right from 0:
//   exact step: num = sum_i d_i g_i; Hd_i = sum_j H_ij d_j; den = sum_i d_i Hd_i;
//               den <= 0 refused; eta = -(num / den)
//   armijo:     slope = sum_i d_i g_i (>= 0 refused); L0 = L(theta); step = eta0;
//               per trial x_i = theta_i + step * d_i; value = L(x);
//               bound = L0 + (c * step) * slope; accept when value <= bound, else
//               step = step * shrink.
//               step and c * step are products of double constants: the kernel
//               computes them in double and rounds them where they meet its T values
//               (so the returned step is a double).
// The decisions (den <= 0, slope >= 0, value <= bound) follow the exact values; a
// float kernel decides them on its rounded values, which may differ within their
// error bounds (the catalog's error model reports such a case as unbounded).
#include <string>

#include "gradref/reference/line_search.hpp"
#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/objectives/sums.hpp"
#include "gradref/reference/objectives/test_objectives.hpp"

namespace gradref::reference {

template <class T>
T exact_step(const Array<T>& H, const Array<T>& g, const Array<T>& direction, const char* op) {
  const std::int64_t n = g.size();
  const T num = detail::dot(direction.span(), g.span());
  std::vector<T> hd;
  hd.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) hd.push_back(detail::dot(detail::row(H, i, n), direction.span()));
  const T den = detail::dot(direction.span(), std::span<const T>(hd));
  if (!(den > T(0.0)))
    throw InvalidInput(op, "direction", "d^T A d = " + value_text(den),
                       "a direction with d^T A d > 0 (A positive definite along d; no minimum along d otherwise)");
  return -(num / den);
}

template <class T>
T exact_line_search(const Array<T>& A, const Array<T>& b, const Array<T>& theta, const Array<T>& direction) {
  const char* op = spec::ExactLineSearch::op;
  const Array<T> c(Shape{}, T(0.0));
  const std::int64_t n = spec::objective_dimension(spec::Objective{}, op, theta.shape(),
                                                   {&A.shape(), &b.shape(), &c.shape(), nullptr, nullptr});
  if (direction.shape() != theta.shape())
    throw InvalidInput(op, "direction.shape", shape_text(direction.shape()), "theta's shape");
  spec::check_objective_values<T>(op, n, theta.span(), A.span(), b.span(), {}, {}, {},
                                  [](const T& x) { return value_text(x); });
  spec::require_values_in(op, "direction", direction.span(), -spec::largest_double, spec::largest_double,
                          "a finite number", [](const T& x) { return value_text(x); });
  const Objective<T> q = quadratic(A, b, c, op);
  return exact_step(A, q.gradient(theta), direction, op);
}

template <class T>
T exact_line_search(const Objective<T>& quadratic, const Array<T>& theta, const Array<T>& direction) {
  return exact_step(quadratic.hessian(theta), quadratic.gradient(theta), direction);
}

template <class T>
ArmijoResult<T> armijo(const spec::Armijo& s, const Objective<T>& objective, const Array<T>& theta,
                       const Array<T>& direction) {
  const char* op = spec::Armijo::op;
  validate(s);
  if (direction.shape() != theta.shape())
    throw InvalidInput(op, "direction.shape", shape_text(direction.shape()), "theta's shape");
  spec::require_values_in(op, "direction", direction.span(), -spec::largest_double, spec::largest_double,
                          "a finite number", [](const T& x) { return value_text(x); });
  const std::int64_t n = theta.size();
  ArmijoResult<T> r{T(0.0), 0, T(0.0), T(0.0), {}};
  const Array<T> g = objective.gradient(theta);
  r.slope = detail::dot(direction.span(), g.span());
  if (!(r.slope < T(0.0)))
    throw InvalidInput(op, "direction", "d^T grad L(theta) = " + value_text(r.slope),
                       "a descent direction: d^T grad L(theta) < 0");
  const T start = objective.value(theta);
  const T c(s.c), shrink(s.shrink);
  T step(s.eta0);
  Array<T> x(theta.shape(), T(0.0));
  for (std::int64_t k = 0; k <= s.max_backtracks; ++k) {
    for (std::int64_t i = 0; i < n; ++i) x[i] = theta[i] + step * direction[i];
    const T value = objective.value(x);
    const T bound = start + (c * step) * r.slope;
    r.trials.push_back({step, value, bound});
    if (value <= bound) {
      r.step = step;
      r.backtracks = k;
      r.value = value;
      return r;
    }
    step = step * shrink;
  }
  throw InvalidInput(op, "max_backtracks", std::to_string(s.max_backtracks),
                     "enough backtracks for a step with L(theta + eta d) <= L(theta) + c eta d^T g (last step tried: " +
                         value_text(r.trials.back().step) + ")");
}

}  // namespace gradref::reference
