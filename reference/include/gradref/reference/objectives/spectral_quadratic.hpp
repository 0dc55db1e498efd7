#pragma once
// A = Q diag(eigenvalues) Q^T with Q an exact product of Givens rotations
// (spec/spectral_quadratic.hpp). Instantiated for Real and Tracked.
#include <span>

#include "gradref/reference/array.hpp"
#include "gradref/spec/spectral_quadratic.hpp"

namespace gradref::reference {

template <class T>
struct SpectralQuadratic {
  Array<T> A;  ///< [n, n], symmetric (computed for i <= j, mirrored)
  Array<T> Q;  ///< [n, n], N / D
};

template <class T>
SpectralQuadratic<T> spectral_quadratic(const Array<T>& eigenvalues, std::span<const spec::Givens> rotations);

}  // namespace gradref::reference
