#pragma once
// Tracked: a scalar that carries the exact value (a Real) together with a rigorous
// bound on how far a floating-point kernel performing the same operations in
// binary64, binary32 or bfloat16 can be from it. This is running error analysis (Higham,
// Accuracy and Stability of Numerical Algorithms, 2nd ed., sec. 3.3) done
// mechanically: instantiating a reference template with Tracked yields the op's
// error model for a kernel that follows the reference's operation order.
//
// Rounding model, per operation in format F with unit roundoff u and underflow
// unit eta (2^-1074 / 2^-150 / 2^-134):  fl(x op y) = (x op y)(1 + d) + e, |d| <= u,
// |e| <= eta, e = 0 for + and - (Hauser: an addition that underflows is exact).
// Propagation formulas are exact bounds, not first-order estimates, so the
// total is a true bound for any kernel whose operations are each correctly
// rounded or stay within the math-library ULP budgets declared in RoundingModel.
#include <cstdint>
#include <span>

#include "gradref/reference/real.hpp"

namespace gradref {

/// bfloat16: an 8-bit significand (implicit bit included) with float32's exponent
/// range. A bfloat16 kernel may compute in float32 and round each result to
/// bfloat16: for + - * / sqrt that double rounding is still the correct rounding
/// (24 >= 2 * 8 + 2), and library functions stay within their ULP budgets.
enum class Format : std::uint8_t { float64, float32, bfloat16 };  // ordered fine -> coarse

/// What the kernel under analysis does beyond correctly rounded + - * / sqrt.
struct RoundingModel {
  double exp_ulps = 1;   ///< error of the kernel's exp, in ULPs of the result
  double log_ulps = 4;   ///< error of the kernel's log
  double pow_ulps = 1;   ///< error of the kernel's pow (per-call scalars, usually double)
  /// Longest chain of additions any one term passes through in the kernel's sum of
  /// n terms (n - 1 for a left-to-right loop; ~log2 n for a pairwise tree).
  std::int64_t (*sum_depth)(std::int64_t n) = [](std::int64_t n) { return n > 1 ? n - 1 : 0; };
};

/// Installs a rounding model for the Tracked evaluations of the current thread.
class ScopedRoundingModel {
 public:
  explicit ScopedRoundingModel(const RoundingModel& model);
  ~ScopedRoundingModel();
  ScopedRoundingModel(const ScopedRoundingModel&) = delete;
  ScopedRoundingModel& operator=(const ScopedRoundingModel&) = delete;

 private:
  RoundingModel saved_;
};
const RoundingModel& rounding_model();

double unit_roundoff(Format f);   ///< 2^-53, 2^-24 or 2^-8
double underflow_unit(Format f);  ///< bound on an underflowing rounding: 2^-1074, 2^-150 or 2^-134
double smallest_normal(Format f);
double largest_finite(Format f);
/// x rounded to nearest (ties to even) in f, overflow to infinity.
Real rounded_to(const Real& x, Format f);

class Tracked {
 public:
  /// A constant from a spec (a double, so exact in binary64): no error yet. When it
  /// meets a binary32 operand the kernel rounds it to float; that is counted then.
  Tracked(double constant);  // NOLINT: constants appear in reference code as T(0.5)
  Tracked(int constant) : Tracked(static_cast<double>(constant)) {}
  /// An input already held exactly in `format` (kernel inputs are exact).
  Tracked(const Real& value, Format format);
  /// A number the kernel holds in `format`: `value` rounded to it once, that rounding
  /// its error (zero where `value` is a number of the format).
  static Tracked held_in(const Real& value, Format format);
  Tracked(const Real& value, const Real& error, Format format)
      : value_(value), error_(error), format_(format) {}

  const Real& value() const noexcept { return value_; }
  const Real& error() const noexcept { return error_; }
  Format format() const noexcept { return format_; }

  friend Tracked operator+(const Tracked& a, const Tracked& b);
  friend Tracked operator-(const Tracked& a, const Tracked& b);
  friend Tracked operator*(const Tracked& a, const Tracked& b);
  friend Tracked operator/(const Tracked& a, const Tracked& b);
  friend Tracked operator-(const Tracked& a) { return Tracked(-a.value_, a.error_, a.format_); }
  Tracked& operator+=(const Tracked& b) { return *this = *this + b; }
  Tracked& operator-=(const Tracked& b) { return *this = *this - b; }
  Tracked& operator*=(const Tracked& b) { return *this = *this * b; }
  Tracked& operator/=(const Tracked& b) { return *this = *this / b; }

  friend Tracked sqrt(const Tracked& a);
  friend Tracked exp(const Tracked& a);
  friend Tracked log(const Tracked& a);
  friend Tracked log1p(const Tracked& a);
  /// log(1 - a) as a kernel computes it: 1 - a rounded in a's format, then log
  /// (within log_ulps); the value is log1p(-a), exact.
  friend Tracked log1m(const Tracked& a);
  friend Tracked abs(const Tracked& a) { return Tracked(abs(a.value_), a.error_, a.format_); }
  /// a^n for an integer n, as a kernel computes it with one call to pow.
  friend Tracked power(const Tracked& a, std::int64_t n);
  /// a^b for a real exponent, as a kernel computes it with one call to pow (within
  /// pow_ulps); a > 0 unless both operands are exact.
  friend Tracked pow(const Tracked& a, const Tracked& b);
  /// -1, 0 or 1, exact in any format. Where the operand's error reaches its value
  /// the kernel's operand may be 0 or of the other sign: the error is then 2 (1 when
  /// the exact operand is 0).
  friend Tracked signum(const Tracked& a);
  /// max is exact in floating point: the error is the larger operand error.
  friend Tracked maximum(const Tracked& a, const Tracked& b);
  /// A sum of terms in the order structure declared by RoundingModel::sum_depth.
  friend Tracked sum(std::span<const Tracked> terms);

  // Branches in reference code follow the exact values.
  friend bool operator<(const Tracked& a, const Tracked& b) { return a.value_ < b.value_; }
  friend bool operator>(const Tracked& a, const Tracked& b) { return a.value_ > b.value_; }
  friend bool operator<=(const Tracked& a, const Tracked& b) { return a.value_ <= b.value_; }
  friend bool operator>=(const Tracked& a, const Tracked& b) { return a.value_ >= b.value_; }
  friend bool operator==(const Tracked& a, const Tracked& b) { return a.value_ == b.value_; }

 private:
  Real value_;
  Real error_;
  Format format_;
};

}  // namespace gradref
