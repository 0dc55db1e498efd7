#include "gradref/reference/real.hpp"

#include <mpfr.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

namespace gradref {

namespace {

// Boost sets precision in decimal digits; pick the fewest digits giving >= bits.
unsigned digits10_for_bits(unsigned bits) {
  unsigned d = 1;
  while (boost::multiprecision::detail::digits10_2_2(d) < bits) ++d;
  return d;
}

bool is_hex(std::string_view t) {
  std::size_t i = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? 1 : 0;
  return t.size() > i + 1 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X');
}

// Parses `text` into a fresh MPFR value of `bits` precision; returns the MPFR
// ternary value (0 when the conversion was exact).
int parse_into(Real& out, const std::string& text, unsigned bits, std::string_view original) {
  mpfr_set_prec(out.backend().data(), static_cast<mpfr_prec_t>(bits));
  char* end = nullptr;
  int ternary = mpfr_strtofr(out.backend().data(), text.c_str(), &end, 0, MPFR_RNDN);
  if (end == text.c_str() || *end != '\0')
    throw std::invalid_argument("not a number: \"" + std::string(original) + "\"");
  return ternary;
}

// Boost's own default is 50 decimal digits; gradref's is default_bits.
const bool default_precision_set = [] {
  Real::default_precision(digits10_for_bits(default_bits));
  return true;
}();

}  // namespace

unsigned working_bits() {
  Real x;
  return static_cast<unsigned>(mpfr_get_prec(x.backend().data()));
}

ScopedPrecision::ScopedPrecision(unsigned bits) : saved_digits10_(Real::default_precision()) {
  Real::default_precision(digits10_for_bits(bits));
}

ScopedPrecision::~ScopedPrecision() { Real::default_precision(saved_digits10_); }

Real exact(double x) {
  Real r;
  mpfr_set_d(r.backend().data(), x, MPFR_RNDN);  // exact: precision >= 53
  return r;
}

Real parse_real(std::string_view text, unsigned min_bits) {
  std::string t(text);
  if (t == "inf" || t == "+inf" || t == "Infinity") return Real(std::numeric_limits<double>::infinity());
  if (t == "-inf" || t == "-Infinity") return Real(-std::numeric_limits<double>::infinity());
  if (t == "nan" || t == "NaN") return Real(std::numeric_limits<double>::quiet_NaN());
  if (t.empty() || t.find_first_of(" \t\n") != std::string::npos)
    throw std::invalid_argument("not a number: \"" + t + "\"");
  Real r;
  if (is_hex(t)) {
    // Four bits per hex digit (plus the leading digit) hold the value exactly.
    unsigned bits = static_cast<unsigned>(4 * t.size() + 8);
    if (parse_into(r, t, std::max(bits, working_bits()), text) != 0)
      throw std::invalid_argument("hex float not exact: \"" + t + "\"");
    return r;
  }
  // Try the working precision first: if MPFR reports an exact conversion the value
  // is dyadic and nothing more is needed; otherwise carry it at high precision.
  if (parse_into(r, t, working_bits(), text) == 0) return r;
  parse_into(r, t, std::max(4096u, min_bits), text);
  return r;
}

Real at_working_precision(const Real& x) {
  Real r;  // default precision
  mpfr_set(r.backend().data(), x.backend().data(), MPFR_RNDN);
  return r;
}

float round_to_float(const Real& x) { return mpfr_get_flt(x.backend().data(), MPFR_RNDN); }
double round_to_double(const Real& x) { return mpfr_get_d(x.backend().data(), MPFR_RNDN); }

float round_to_bfloat16(const Real& x) {
  const mpfr_srcptr v = x.backend().data();
  if (!mpfr_number_p(v) || mpfr_zero_p(v)) return mpfr_get_flt(v, MPFR_RNDN);  // nan, inf, signed zero
  // |x| = m 2^e with m in [1/2, 1): the spacing of bfloat16 there is 2^(e - 8), and
  // 2^-133 throughout the subnormal range (e <= -125). x / spacing rounded to an
  // integer, ties to even, is the significand; scaling by powers of 2 is exact.
  const mpfr_exp_t e = mpfr_get_exp(v);
  const long spacing = static_cast<long>(std::max<mpfr_exp_t>(e, -125)) - 8;
  mpfr_t t;
  mpfr_init2(t, std::max<mpfr_prec_t>(mpfr_get_prec(v), 64));
  mpfr_mul_2si(t, v, -spacing, MPFR_RNDN);
  mpfr_rint(t, t, MPFR_RNDN);
  mpfr_mul_2si(t, t, spacing, MPFR_RNDN);
  const float out = mpfr_get_flt(t, MPFR_RNDN);  // exact: at most 8 significant bits
  mpfr_clear(t);
  constexpr float largest = 0x1.fep127f;
  if (std::abs(out) > largest) return std::copysign(std::numeric_limits<float>::infinity(), out);
  return out;
}

namespace {
template <class F>
bool certified_round_impl(const Real& value, const Real& error, F& out, F (*round)(const Real&)) {
  out = round(value);
  if (std::isnan(out)) return true;
  if (error == 0) return true;
  Real lo = value - abs(error);
  Real hi = value + abs(error);
  return round(lo) == out && round(hi) == out;
}
}  // namespace

bool certified_round(const Real& value, const Real& error, float& out) {
  return certified_round_impl<float>(value, error, out, round_to_float);
}
bool certified_round(const Real& value, const Real& error, double& out) {
  return certified_round_impl<double>(value, error, out, round_to_double);
}
bool certified_round_bfloat16(const Real& value, const Real& error, float& out) {
  return certified_round_impl<float>(value, error, out, round_to_bfloat16);
}

int agreeing_digits(const Real& a, const Real& b, int cap) {
  if (a == b) return cap;
  if (isnan(a) || isnan(b) || isinf(a) || isinf(b)) return 0;
  if (b == 0) return 0;
  Real rel = abs(a - b) / abs(b);
  int d = static_cast<int>(floor(-log10(rel)));
  return std::clamp(d, 0, cap);
}

std::string to_decimal(const Real& x, int digits) {
  if (isnan(x)) return "nan";
  if (isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0) return signbit(x) ? "-0" : "0";
  digits = std::max(digits, 1);
  // MPFR prints d.ddd...e+XX with exactly `digits` significant digits, rounded to nearest.
  std::string fmt = "%." + std::to_string(digits - 1) + "Re";
  char* s = nullptr;
  if (mpfr_asprintf(&s, fmt.c_str(), x.backend().data()) < 0) throw std::bad_alloc();
  std::string out(s);
  mpfr_free_str(s);
  return out;
}

std::string to_hex(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", x);
  return buf;
}

}  // namespace gradref
