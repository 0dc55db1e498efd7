#pragma once
// Certified reference evaluation: every op is evaluated at p and 2p bits; only the
// digits on which the two agree are reported, and the float32/float64 roundings are
// given only when every value within the disagreement rounds the same way.
#include <optional>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"

namespace gradref::catalog {

struct CertifiedValue {
  std::string decimal;           ///< certified significant digits, scientific notation
  int digits = 0;                ///< how many significant digits are certified
  std::optional<float> float32;  ///< correctly rounded, when certified
  std::optional<double> float64;
  Real value;                    ///< the 2p-bit value (kept for comparisons)
};

struct CertifiedArray {
  Shape shape;
  std::vector<CertifiedValue> values;
};

struct CertifiedOutputs {
  unsigned bits = 0;  ///< p
  std::vector<std::pair<std::string, CertifiedArray>> outputs;  ///< in the entry's output order
};

/// Runs the entry's reference at p = `bits` and 2p. While some finite output has
/// fewer than `min_digits` certified digits (cancellation) or a float32/float64
/// rounding that p bits cannot decide (a value within 2^-p of a rounding midpoint),
/// p is doubled, up to `max_bits`; the result says which p it used.
CertifiedOutputs evaluate_certified(const Entry& entry, const Case& c, unsigned bits, int min_digits = 34,
                                    unsigned max_bits = 4096);

/// One value evaluated at p = `bits` (`low`) and 2p (`high`), certified as
/// evaluate_certified does; call it at precision 2p.
CertifiedValue certify(const Real& low, const Real& high, unsigned bits);

/// The reference outputs at the current working precision, with inputs rounded to it.
NamedArrays<Real> evaluate_at(const Entry& entry, const Case& c, unsigned bits);

}  // namespace gradref::catalog
