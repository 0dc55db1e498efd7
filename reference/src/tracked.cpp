#include "gradref/reference/tracked.hpp"
#include "gradref/reference/tracked_trig.hpp"
#include "tracked_rounding.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace gradref {

namespace detail {

Real round_in(const Real& x, Format f) {
  switch (f) {
    case Format::float64: return exact(round_to_double(x));
    case Format::float32: return exact(static_cast<double>(round_to_float(x)));
    case Format::bfloat16: return exact(static_cast<double>(round_to_bfloat16(x)));
  }
  throw std::logic_error("round_in: unknown format");
}

Real infinity() { return Real(std::numeric_limits<double>::infinity()); }

Tracked rounded(const Real& r, const Real& p, Format f, double ulps, bool exact_underflow, double absolute_floor) {
  Real err;
  if (isnan(r) || isnan(p)) return Tracked(r, infinity(), f);
  if (p == 0 && ulps == 0) {
    err = abs(round_in(r, f) - r);  // a correctly rounded operation on exact operands
  } else {
    const double u = unit_roundoff(f);
    const double eta = exact_underflow ? 0.0 : underflow_unit(f);
    const Real mag = abs(r) + p;
    err = ulps > 0 ? p + ulps * (2 * u * mag + 2 * eta) : p + u * mag + eta;
    err += absolute_floor;
  }
  if (abs(r) + err > largest_finite(f)) err = infinity();  // the kernel may overflow
  return Tracked(r, err, f);
}

}  // namespace detail

namespace {

using detail::infinity;
using detail::round_in;
using detail::rounded;

thread_local RoundingModel current_model;

Format coarser(Format a, Format b) { return std::max(a, b); }

/// The operand as the kernel holds it in format f: a finer value is rounded once.
Tracked in_format(const Tracked& x, Format f) {
  if (x.format() == f || f == Format::float64) return x;
  if (x.error() == 0) return Tracked(x.value(), abs(round_in(x.value(), f) - x.value()), f);
  Real err = x.error() + unit_roundoff(f) * (abs(x.value()) + x.error()) + underflow_unit(f);
  return Tracked(x.value(), err, f);
}

}  // namespace

ScopedRoundingModel::ScopedRoundingModel(const RoundingModel& model) : saved_(current_model) {
  current_model = model;
}
ScopedRoundingModel::~ScopedRoundingModel() { current_model = saved_; }
const RoundingModel& rounding_model() { return current_model; }

double unit_roundoff(Format f) {
  switch (f) {
    case Format::float64: return 0x1p-53;
    case Format::float32: return 0x1p-24;
    case Format::bfloat16: return 0x1p-8;
  }
  throw std::logic_error("unit_roundoff: unknown format");
}
// Half the smallest subnormal for float32 (2^-149) and bfloat16 (2^-133); for
// float64 that half (2^-1075) is not a double, so the smallest subnormal itself, a
// bound twice as large.
double underflow_unit(Format f) {
  switch (f) {
    case Format::float64: return 0x1p-1074;
    case Format::float32: return 0x1p-150;
    case Format::bfloat16: return 0x1p-134;
  }
  throw std::logic_error("underflow_unit: unknown format");
}
double smallest_normal(Format f) {
  return f == Format::float64 ? std::numeric_limits<double>::min() : std::numeric_limits<float>::min();  // bfloat16: 2^-126 too
}
double largest_finite(Format f) {
  switch (f) {
    case Format::float64: return std::numeric_limits<double>::max();
    case Format::float32: return std::numeric_limits<float>::max();
    case Format::bfloat16: return 0x1.fep127;
  }
  throw std::logic_error("largest_finite: unknown format");
}
Real rounded_to(const Real& x, Format f) { return round_in(x, f); }

Tracked::Tracked(double constant) : value_(exact(constant)), error_(0), format_(Format::float64) {}
Tracked::Tracked(const Real& value, Format format) : value_(value), error_(0), format_(format) {}
Tracked Tracked::held_in(const Real& value, Format format) {
  return Tracked(value, abs(round_in(value, format) - value), format);
}

Tracked operator+(const Tracked& a0, const Tracked& b0) {
  const Format f = coarser(a0.format(), b0.format());
  const Tracked a = in_format(a0, f), b = in_format(b0, f);
  return rounded(a.value() + b.value(), a.error() + b.error(), f, 0, true);
}

Tracked operator-(const Tracked& a, const Tracked& b) { return a + (-b); }

Tracked operator*(const Tracked& a0, const Tracked& b0) {
  const Format f = coarser(a0.format(), b0.format());
  const Tracked a = in_format(a0, f), b = in_format(b0, f);
  const Real p = abs(a.value()) * b.error() + abs(b.value()) * a.error() + a.error() * b.error();
  return rounded(a.value() * b.value(), p, f);
}

Tracked operator/(const Tracked& a0, const Tracked& b0) {
  const Format f = coarser(a0.format(), b0.format());
  const Tracked a = in_format(a0, f), b = in_format(b0, f);
  if (b.error() >= abs(b.value())) return Tracked(a.value() / b.value(), infinity(), f);
  const Real r = a.value() / b.value();
  const Real p = (a.error() + abs(r) * b.error()) / (abs(b.value()) - b.error());
  return rounded(r, p, f);
}

Tracked sqrt(const Tracked& a) {
  const Real r = sqrt(a.value());
  Real p = sqrt(a.error());  // |sqrt(x') - sqrt(x)| <= sqrt(|x' - x|) always
  if (a.value() > 0) p = std::min(p, Real(a.error() / r));
  return rounded(r, p, a.format(), 0, true);  // sqrt never underflows
}

Tracked exp(const Tracked& a) {
  const Real r = exp(a.value());
  const Real p = r * expm1(a.error());
  // Below the normal range a vector exp may flush: allow the smallest normal absolutely.
  return rounded(r, p, a.format(), rounding_model().exp_ulps, false, smallest_normal(a.format()));
}

Tracked log(const Tracked& a) {
  if (a.error() >= a.value()) return Tracked(log(a.value()), infinity(), a.format());
  const Real r = log(a.value());
  const Real p = -log1p(-a.error() / a.value());
  return rounded(r, p, a.format(), rounding_model().log_ulps, true);
}

Tracked log1p(const Tracked& a) {
  const Real one_plus = 1 + a.value();
  if (a.error() >= one_plus) return Tracked(log1p(a.value()), infinity(), a.format());
  const Real r = log1p(a.value());
  const Real p = -log1p(-a.error() / one_plus);
  return rounded(r, p, a.format(), rounding_model().log_ulps, true);
}

// Not log(1 - a) on Tracked values: 1 - a at the working precision drops the low
// bits of a tiny a, and with them the rounding error of the kernel's q = fl(1 - a),
// which is all of the error when q rounds to 1. Here that error is computed as
// (fl(1 - a) - 1) + a, whose first term is exact.
Tracked log1m(const Tracked& a) {
  const Format f = a.format();
  const Real q = 1 - a.value();  // used only relatively below
  const Real q_error = a.error() == 0 ? Real(abs((round_in(q, f) - 1) + a.value()))
                                      : Real(a.error() + unit_roundoff(f) * (abs(q) + a.error()));
  const Real r = log1p(-a.value());
  if (q_error >= q) return Tracked(r, infinity(), f);
  return rounded(r, -log1p(-q_error / q), f, rounding_model().log_ulps, true);
}

Tracked power(const Tracked& a, std::int64_t n) {
  const Real r = pow(a.value(), Real(n));
  Real p = 0;
  if (a.error() > 0) {
    if (a.value() == 0) return Tracked(r, infinity(), a.format());
    p = abs(r) * expm1(Real(n) * log1p(a.error() / abs(a.value())));
  }
  return rounded(r, p, a.format(), rounding_model().pow_ulps);
}

// a'^b' = exp(b' log a'), and |b' log a' - b log a| <= eb (|log a| + la) + |b| la
// with la = -log1p(-ea / a) >= |log a' - log a| (|a' - a| <= ea < a), so
// |a'^b' - a^b| <= a^b expm1(that) on the side that grows, which bounds the other.
Tracked pow(const Tracked& a0, const Tracked& b0) {
  const Format f = coarser(a0.format(), b0.format());
  const Tracked a = in_format(a0, f), b = in_format(b0, f);
  const Real r = pow(a.value(), b.value());
  Real p = 0;
  if (a.error() > 0 || b.error() > 0) {
    if (a.value() <= 0 || a.error() >= a.value()) return Tracked(r, infinity(), f);
    const Real la = -log1p(-a.error() / a.value());
    p = abs(r) * expm1(b.error() * (abs(log(a.value())) + la) + abs(b.value()) * la);
  }
  return rounded(r, p, f, rounding_model().pow_ulps);
}

Tracked signum(const Tracked& a) {
  const Real& x = a.value();
  if (isnan(x) || isinf(a.error())) return Tracked(x, infinity(), a.format());
  const Real s = x > 0 ? Real(1) : (x < 0 ? Real(-1) : Real(0));
  if (a.error() < abs(x)) return Tracked(s, Real(0), a.format());  // no operand within the error changes sign
  return Tracked(s, Real(x == 0 ? 1 : 2), a.format());
}

Tracked maximum(const Tracked& a0, const Tracked& b0) {
  const Format f = coarser(a0.format(), b0.format());
  const Tracked a = in_format(a0, f), b = in_format(b0, f);
  return Tracked(a.value() < b.value() ? b.value() : a.value(), std::max(a.error(), b.error()), f);
}

Tracked sum(std::span<const Tracked> terms) {
  if (terms.empty()) return Tracked(0.0);
  Format f = terms.front().format();
  for (const Tracked& t : terms) f = coarser(f, t.format());
  Real value = 0, propagated = 0, magnitude = 0;
  for (const Tracked& t0 : terms) {
    const Tracked t = in_format(t0, f);
    value += t.value();
    propagated += t.error();
    magnitude += abs(t.value()) + t.error();
  }
  const double du = static_cast<double>(rounding_model().sum_depth(static_cast<std::int64_t>(terms.size()))) *
                    unit_roundoff(f);
  // An unbounded term leaves the sum unbounded (and 0 * inf, for one term, would be nan).
  Real err = isinf(magnitude) ? infinity() : Real(propagated + Real(du / (1 - du)) * magnitude);
  if (abs(value) + err > largest_finite(f)) err = infinity();
  return Tracked(value, err, f);
}

// The kernel's cos of its operand x' = x + d, |d| <= e: |cos(x') - cos(x)| <= min(e, 2),
// then one library call within cos_ulps of cos(x').
Tracked cos(const Tracked& a) {
  const Real r = cos(a.value());
  const Real p = a.error() < 2 ? a.error() : Real(2);
  return rounded(r, p, a.format(), cos_ulps);
}

}  // namespace gradref
