#pragma once
// gradref::Real: an MPFR number whose precision is chosen at run time.
//
// Expression templates are off: the reference code is plain arithmetic and this
// keeps compile times and error messages small. Precision is process-global in
// Boost 1.74 (Debian 12), so reference evaluations run on one thread at a time.
#include <boost/multiprecision/mpfr.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace gradref {

using Real = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<0>,
                                           boost::multiprecision::et_off>;

/// Working precision of the reference unless a caller asks otherwise.
inline constexpr unsigned default_bits = 256;

/// Precision, in bits, of a Real constructed now (Boost maps bits through decimal
/// digits, so this can exceed what was asked by one or two bits).
unsigned working_bits();

/// Sets the working precision to at least `bits` for the lifetime of the object.
class ScopedPrecision {
 public:
  explicit ScopedPrecision(unsigned bits);
  ~ScopedPrecision();
  ScopedPrecision(const ScopedPrecision&) = delete;
  ScopedPrecision& operator=(const ScopedPrecision&) = delete;

 private:
  unsigned saved_digits10_;
};

/// Exact value of a float or double (every binary32/64 fits in the working precision).
Real exact(double x);

/// Parses a decimal ("-1.25e-3", "0.1") or hex-float ("0x1.99999ap-4") string, or
/// "inf"/"-inf"/"nan". Hex floats and decimals with a finite binary expansion are
/// exact; other decimals are carried at max(4096, min_bits) bits. Never goes through
/// double. Throws std::invalid_argument naming the text if it is not a number.
Real parse_real(std::string_view text, unsigned min_bits = 0);

/// The same value at the current working precision (rounded to nearest once).
Real at_working_precision(const Real& x);

/// Round to nearest, ties to even, into binary32/binary64, subnormals and overflow
/// to infinity included (MPFR's conversions are correctly rounded).
float round_to_float(const Real& x);
double round_to_double(const Real& x);
/// Round to nearest, ties to even, into bfloat16 (8-bit significand, float32's
/// exponent range: subnormals down to 2^-133, largest finite 0x1.fep127, overflow to
/// infinity); the result as the float that holds it exactly.
float round_to_bfloat16(const Real& x);

/// Rounds `value` to binary32/64 only if every number within `error` of it rounds
/// the same way, so the result is the correct rounding of the true value.
/// Returns false when the error interval straddles a rounding boundary.
bool certified_round(const Real& value, const Real& error, float& out);
bool certified_round(const Real& value, const Real& error, double& out);
bool certified_round_bfloat16(const Real& value, const Real& error, float& out);

/// Number of leading significant decimal digits on which a and b agree; `cap` when
/// they are identical. Used to certify a result computed at p and 2p bits.
int agreeing_digits(const Real& a, const Real& b, int cap);

/// Scientific decimal with `digits` significant digits ("-1.2345e-08"), "0", "inf",
/// "-inf" or "nan".
std::string to_decimal(const Real& x, int digits);

/// Exact hex-float text of a double ("0x1.999999999999ap-4"), for messages.
std::string to_hex(double x);

}  // namespace gradref
