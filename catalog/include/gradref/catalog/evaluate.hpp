#pragma once
// Certified reference evaluation: every op is evaluated at p and 2p bits; only the
// digits on which the two agree are reported, and the float32/float64/bfloat16
// roundings are given only when every value within the disagreement rounds the same way.
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
  std::optional<float> bfloat16;  ///< the bfloat16 rounding, held exactly in a float
  Real value;                    ///< the 2p-bit value (kept for comparisons)
};

/// The certified rounding of `v` in `dtype`, widened to double (exact); none when
/// p did not certify it.
std::optional<double> rounding_in(const CertifiedValue& v, Dtype dtype);

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
/// rounding (and, with `bfloat16`, a bfloat16 rounding of a non-integer output) that p bits cannot decide
/// (a value within 2^-p of a rounding midpoint), p is doubled, up to `max_bits`;
/// the result says which p it used. The bfloat16 rounding is given whenever p
/// certifies it; asking for it only makes p grow for it (bfloat16 midpoints such as
/// 1 + 2^-8 are common exact values, so float32/float64 callers do not wait for them).
CertifiedOutputs evaluate_certified(const Entry& entry, const Case& c, unsigned bits, int min_digits = 34,
                                    unsigned max_bits = 4096, bool bfloat16 = false);

/// One value evaluated at p = `bits` (`low`) and 2p (`high`), certified as
/// evaluate_certified does; call it at precision 2p.
CertifiedValue certify(const Real& low, const Real& high, unsigned bits);

/// The reference outputs at the current working precision, with inputs rounded to it.
NamedArrays<Real> evaluate_at(const Entry& entry, const Case& c, unsigned bits);

}  // namespace gradref::catalog
