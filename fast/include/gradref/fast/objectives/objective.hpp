#pragma once
// Fast test objectives (spec/objective.hpp) and spectral_quadratic for float and
// double: plain scalar loops in the operation order of
// reference/objectives/test_objectives_impl.hpp and spectral_quadratic_impl.hpp,
// exp and log1p from the C library. Inputs are assumed checked
// (spec::objective_dimension, spec::check_objective_values).
#include <cstdint>
#include <span>

#include "gradref/spec/objective.hpp"
#include "gradref/spec/spectral_quadratic.hpp"

namespace gradref::fast {

/// The data a kind takes (empty spans where it takes none): A [n, n], b [n], c [1];
/// features [m, n], labels [m].
template <class T>
struct ObjectiveData {
  std::span<const T> A, b, c, features, labels;
};

template <class T>
T objective_value(const spec::Objective& spec, std::int64_t n, const ObjectiveData<T>& data, std::span<const T> theta);
/// gradient: n values.
template <class T>
void objective_gradient(const spec::Objective& spec, std::int64_t n, const ObjectiveData<T>& data,
                        std::span<const T> theta, std::span<T> gradient);
/// hessian: n * n values, row-major.
template <class T>
void objective_hessian(const spec::Objective& spec, std::int64_t n, const ObjectiveData<T>& data,
                       std::span<const T> theta, std::span<T> hessian);

/// A = Q diag(eigenvalues) Q^T and Q ([n, n] each); validates the rotations.
template <class T>
void spectral_quadratic(std::span<const T> eigenvalues, std::span<const spec::Givens> rotations, std::span<T> A,
                        std::span<T> Q);

#define GRADREF_FAST_OBJECTIVES(T)                                                                                \
  extern template T objective_value<T>(const spec::Objective&, std::int64_t, const ObjectiveData<T>&,             \
                                       std::span<const T>);                                                       \
  extern template void objective_gradient<T>(const spec::Objective&, std::int64_t, const ObjectiveData<T>&,       \
                                             std::span<const T>, std::span<T>);                                   \
  extern template void objective_hessian<T>(const spec::Objective&, std::int64_t, const ObjectiveData<T>&,        \
                                            std::span<const T>, std::span<T>);                                    \
  extern template void spectral_quadratic<T>(std::span<const T>, std::span<const spec::Givens>, std::span<T>,     \
                                             std::span<T>);
GRADREF_FAST_OBJECTIVES(float)
GRADREF_FAST_OBJECTIVES(double)
#undef GRADREF_FAST_OBJECTIVES

}  // namespace gradref::fast
