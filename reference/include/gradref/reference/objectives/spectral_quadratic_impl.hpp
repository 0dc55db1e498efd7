#pragma once
// Definition of reference::spectral_quadratic (instantiated in reference/src/objectives).
// N and D are integers (spec::rotation_numerators, exact in float32); in the fast
// kernel's order:  Q_ij = N_ij / D;  A_ij = (sum_k (N_ik * lambda_k) * N_jk) / D^2
// for i <= j (left to right from 0), A_ji = A_ij.
#include <vector>

#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/objectives/spectral_quadratic.hpp"

namespace gradref::reference {

namespace detail {

/// An integer of the construction (|v| <= 4096^2, exact in float32, rounded in
/// bfloat16) as the kernel holds it: in the dtype of `like` (the eigenvalues), so
/// that Q = N / D divides in that dtype, not in double.
inline Real integer_like(const Real&, std::int64_t v) { return Real(v); }
inline Tracked integer_like(const Tracked& like, std::int64_t v) {
  return Tracked::held_in(exact(static_cast<double>(v)), like.format());
}

}  // namespace detail

template <class T>
SpectralQuadratic<T> spectral_quadratic(const Array<T>& eigenvalues, std::span<const spec::Givens> rotations) {
  const std::int64_t n = eigenvalues.rank() == 1 ? eigenvalues.extent(0) : 0;
  if (n < 1)
    throw InvalidInput(spec::SpectralQuadratic::op, "eigenvalues.shape", shape_text(eigenvalues.shape()),
                       "shape [n] with n >= 1");
  const std::int64_t d = spec::rotation_denominator(rotations, n);
  spec::check_spectral_values<T>(eigenvalues.span(), [](const T& x) { return value_text(x); });
  const std::vector<std::int64_t> N = spec::rotation_numerators(rotations, n);
  const T& like = eigenvalues[0];
  auto at = [&N, &like, n](std::int64_t i, std::int64_t j) {
    return detail::integer_like(like, N[static_cast<std::size_t>(i * n + j)]);
  };
  const T denominator = detail::integer_like(like, d), squared = detail::integer_like(like, d * d);
  SpectralQuadratic<T> out{Array<T>(Shape{n, n}, T(0.0)), Array<T>(Shape{n, n}, T(0.0))};
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) out.Q[i * n + j] = at(i, j) / denominator;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = i; j < n; ++j) {
      T acc(0.0);
      for (std::int64_t k = 0; k < n; ++k) acc = acc + (at(i, k) * eigenvalues[k]) * at(j, k);
      out.A[i * n + j] = acc / squared;
      out.A[j * n + i] = out.A[i * n + j];
    }
  return out;
}

}  // namespace gradref::reference
