#pragma once
// What reference code needs to know of its scalar beyond arithmetic: the exact value
// (for checks such as isfinite; a Real is its own value, a Tracked carries it), and
// how to hold a constant in the kernel's dtype.
#include <span>
#include <vector>

#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {

inline const Real& exact_value(const Real& x) { return x; }
inline const Real& exact_value(const Tracked& x) { return x.value(); }

/// The constant c as the kernel holds it in the dtype of `like` (e.g. a count
/// converted to T): for Tracked, the double c rounded to like's format, the rounding
/// counted, so that a result computed from constants alone is still rounded to the
/// dtype, as the kernel's is. Real takes c as it is.
inline Real dtype_constant(const Real&, double c) { return Real(c); }
inline Tracked dtype_constant(const Tracked& like, double c) { return Tracked(c) * Tracked(Real(1), like.format()); }

/// The exact values of a span of reference scalars.
template <class T>
std::vector<Real> exact_values_of(std::span<const T> x) {
  std::vector<Real> out;
  out.reserve(x.size());
  for (const T& v : x) out.push_back(exact_value(v));
  return out;
}

}  // namespace gradref::reference
