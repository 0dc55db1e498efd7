#pragma once
// Fast line searches (spec/line_search.hpp) for float and double, in the order of
// reference/line_search_impl.hpp. The decisions (d^T A d <= 0, d^T g >= 0,
// L(theta + eta d) <= L(theta) + c eta d^T g) are made on the rounded values.
#include <cstdint>
#include <span>

#include "gradref/fast/objectives/objective.hpp"
#include "gradref/spec/line_search.hpp"

namespace gradref::fast {

/// eta = -d^T (A theta + b) / (d^T A d); throws InvalidInput(exact_line_search,
/// "direction") when the computed d^T A d <= 0.
template <class T>
T exact_line_search(std::int64_t n, std::span<const T> A, std::span<const T> b, std::span<const T> theta,
                    std::span<const T> direction);

template <class T>
struct ArmijoResult {
  double step;  ///< eta0 shrink^k, computed in double as the reference's constants are
  std::int64_t backtracks;
  T value;
};

/// Backtracking on the spec's objective; throws InvalidInput(armijo, "direction")
/// when d^T g >= 0 and (armijo, "max_backtracks") when no step is accepted.
template <class T>
ArmijoResult<T> armijo(const spec::Armijo& spec, std::int64_t n, const ObjectiveData<T>& data,
                       std::span<const T> theta, std::span<const T> direction);

#define GRADREF_FAST_LINE_SEARCH(T)                                                                       \
  extern template T exact_line_search<T>(std::int64_t, std::span<const T>, std::span<const T>,           \
                                         std::span<const T>, std::span<const T>);                        \
  extern template ArmijoResult<T> armijo<T>(const spec::Armijo&, std::int64_t, const ObjectiveData<T>&,  \
                                            std::span<const T>, std::span<const T>);
GRADREF_FAST_LINE_SEARCH(float)
GRADREF_FAST_LINE_SEARCH(double)
#undef GRADREF_FAST_LINE_SEARCH

}  // namespace gradref::fast
