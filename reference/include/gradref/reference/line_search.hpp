#pragma once
// Line searches (spec/line_search.hpp), generic over the scalar; instantiated for
// Real and Tracked in reference/src/line_search.cpp. Errors are InvalidInput.
#include <cstdint>
#include <vector>

#include "gradref/reference/array.hpp"
#include "gradref/reference/objectives/objective.hpp"
#include "gradref/spec/line_search.hpp"

namespace gradref::reference {

/// eta = -d^T g / (d^T H d): the exact minimizing step along d of a quadratic with
/// Hessian H [n, n] and gradient g [n] at theta. Refuses d^T H d <= 0 (field
/// "direction", naming `op`).
template <class T>
T exact_step(const Array<T>& H, const Array<T>& g, const Array<T>& direction, const char* op = "exact_line_search");

/// The exact step on 1/2 theta^T A theta + b^T theta (+ c): g = A theta + b, H = A.
/// Checks shapes, finiteness and A's symmetry.
template <class T>
T exact_line_search(const Array<T>& A, const Array<T>& b, const Array<T>& theta, const Array<T>& direction);

/// The exact step on a quadratic objective (its Hessian is taken at theta).
template <class T>
T exact_line_search(const Objective<T>& quadratic, const Array<T>& theta, const Array<T>& direction);

/// One step tried: L(theta + step d) against L(theta) + c step d^T g.
template <class T>
struct ArmijoTrial {
  T step;
  T value;  ///< L(theta + step d), theta + step d rounded per element first
  T bound;  ///< L(theta) + (c * step) * slope
};

template <class T>
struct ArmijoResult {
  T step;                      ///< the first accepted step
  std::int64_t backtracks = 0; ///< how many times the step shrank before it
  T value;                     ///< L(theta + step d)
  T slope;                     ///< d^T grad L(theta)
  std::vector<ArmijoTrial<T>> trials;  ///< every step tried, the accepted one last
};

/// Backtracking from eta0: step_0 = eta0, step_{k+1} = step_k * shrink; returns the
/// first step with value <= bound. InvalidInput (naming Armijo::op) on field
/// "direction" if d^T g >= 0, on "max_backtracks" if no step within them is accepted.
template <class T>
ArmijoResult<T> armijo(const spec::Armijo& spec, const Objective<T>& objective, const Array<T>& theta,
                       const Array<T>& direction);

}  // namespace gradref::reference
