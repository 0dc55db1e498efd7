// Fast line searches in the order of reference/line_search_impl.hpp.
#include "gradref/fast/line_search.hpp"

#include <string>
#include <vector>

namespace gradref::fast {
namespace {

template <class T>
T dot(const T* a, const T* b, std::int64_t n) {
  T acc = 0;
  for (std::int64_t i = 0; i < n; ++i) acc = acc + a[i] * b[i];
  return acc;
}

}  // namespace

template <class T>
T exact_line_search(std::int64_t n, std::span<const T> A, std::span<const T> b, std::span<const T> theta,
                    std::span<const T> d) {
  std::vector<T> g(static_cast<std::size_t>(n)), ad(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    g[static_cast<std::size_t>(i)] = dot(A.data() + i * n, theta.data(), n) + b[static_cast<std::size_t>(i)];
  const T num = dot(d.data(), g.data(), n);
  for (std::int64_t i = 0; i < n; ++i) ad[static_cast<std::size_t>(i)] = dot(A.data() + i * n, d.data(), n);
  const T den = dot(d.data(), ad.data(), n);
  if (!(den > T(0)))
    throw InvalidInput(spec::ExactLineSearch::op, "direction", "d^T A d = " + spec::format_double(den),
                       "a direction with d^T A d > 0 (A positive definite along d; no minimum along d otherwise)");
  return -(num / den);
}

template <class T>
ArmijoResult<T> armijo(const spec::Armijo& s, std::int64_t n, const ObjectiveData<T>& data, std::span<const T> theta,
                       std::span<const T> d) {
  std::vector<T> g(static_cast<std::size_t>(n)), x(static_cast<std::size_t>(n));
  objective_gradient<T>(s.objective, n, data, theta, g);
  const T slope = dot(d.data(), g.data(), n);
  if (!(slope < T(0)))
    throw InvalidInput(spec::Armijo::op, "direction", "d^T grad L(theta) = " + spec::format_double(slope),
                       "a descent direction: d^T grad L(theta) < 0");
  const T start = objective_value<T>(s.objective, n, data, theta);
  // The step and c * step in double, rounded to T where they meet T values.
  double step = s.eta0;
  for (std::int64_t k = 0; k <= s.max_backtracks; ++k) {
    const T t = static_cast<T>(step);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = theta[i] + t * d[i];
    const T value = objective_value<T>(s.objective, n, data, x);
    const T bound = start + static_cast<T>(s.c * step) * slope;
    if (value <= bound) return {step, k, value};
    step = step * s.shrink;
  }
  throw InvalidInput(spec::Armijo::op, "max_backtracks", std::to_string(s.max_backtracks),
                     "enough backtracks for a step with L(theta + eta d) <= L(theta) + c eta d^T g");
}

#define GRADREF_FAST_LINE_SEARCH(T)                                                                         \
  template T exact_line_search<T>(std::int64_t, std::span<const T>, std::span<const T>, std::span<const T>, \
                                  std::span<const T>);                                                      \
  template ArmijoResult<T> armijo<T>(const spec::Armijo&, std::int64_t, const ObjectiveData<T>&,            \
                                     std::span<const T>, std::span<const T>);
GRADREF_FAST_LINE_SEARCH(float)
GRADREF_FAST_LINE_SEARCH(double)
#undef GRADREF_FAST_LINE_SEARCH

}  // namespace gradref::fast
