#pragma once
// High-precision finite differences: central differences at step h, h/2, h/4, h/8,
// combined by Richardson extrapolation (eliminating the h^2, h^4 and h^6 terms).
// At 512 bits with h = 2^-32 the truncation error is O(h^8) ~ 1e-77 relative to the
// ninth derivative and rounding contributes ~2^-512/h, so 40 digits are safe margins.
#include <functional>

#include "gradref/reference/real.hpp"

namespace gradref::properties {

inline Real richardson_derivative(const std::function<Real(const Real&)>& f, const Real& x, const Real& h) {
  constexpr int levels = 4;
  Real d[levels];
  Real step = h;
  for (int i = 0; i < levels; ++i, step /= 2) d[i] = (f(x + step) - f(x - step)) / (2 * step);
  // Halving h divides the h^(2k) error term by 4^k.
  Real factor = 4;
  for (int k = 1; k < levels; ++k, factor *= 4)
    for (int i = 0; i < levels - k; ++i) d[i] = (factor * d[i + 1] - d[i]) / (factor - 1);
  return d[0];
}

}  // namespace gradref::properties
