#include "verify/check.hpp"

#include <mpfr.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "verify/dtype_format.hpp"
#include "verify/golden_data.hpp"  // bound_text: upward-rounded decimals

namespace gradref::cli::verify {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

/// How far the true exact value may be from the decimal: 0 at full digits (the
/// bound's slack covers it), one unit in the last certified digit below that,
/// inf when no digit is certified.
Real uncertainty(const Real& x, int digits) {
  if (digits >= full_digits || x == 0) return Real(0);
  if (digits <= 0) return Real(std::numeric_limits<double>::infinity());
  const Real e = floor(log10(abs(x)));
  return pow(Real(10), e - (digits - 1));
}

double to_double_ratio(const Real& num, const Real& den) {
  if (num == 0) return 0;
  if (den == 0 || isinf(num)) return infinity;
  return static_cast<double>(num / den);
}

}  // namespace

Real ulp_of(const Real& exact, const std::string& dtype) {
  const FloatFormat& f = float_format(dtype);
  long e = f.min_exponent;
  if (exact != 0 && !isinf(exact) && !isnan(exact))
    e = std::max<long>(e, mpfr_get_exp(exact.backend().data()) - 1);  // mpfr: |x| = m 2^E, m in [1/2, 1)
  Real ulp(1);
  mpfr_mul_2si(ulp.backend().data(), ulp.backend().data(), e - f.precision + 1, MPFR_RNDN);
  return ulp;
}

OutputCheck check_output(const std::string& name, const GoldenOutput& golden, const Array<double>& candidate,
                         const std::string& dtype) {
  if (candidate.shape() != golden.shape)
    throw std::logic_error("verify: " + name + " has shape " + shape_text(candidate.shape()) + ", the golden " +
                           shape_text(golden.shape));
  ScopedPrecision precision(2 * default_bits);  // exact enough: error and ratio carry 512-bit rounding at most
  OutputCheck out;
  out.name = name;
  for (std::int64_t i = 0; i < candidate.size(); ++i) {
    const std::size_t u = static_cast<std::size_t>(i);
    const Real& x = golden.exact[u];
    const Real& bound = golden.bound[u];
    const double got = candidate[i];
    ElementCheck e;
    e.index = i;
    e.exact = golden.exact_text[u];
    e.candidate = got;
    e.bound = bound_text(bound);
    const Real ulp = ulp_of(x, dtype);
    e.bound_ulps = isinf(bound) ? infinity : static_cast<double>(bound / ulp);
    if (isnan(x) || isinf(x)) {
      // A non-finite exact value is matched only by the same non-finite value.
      e.passed = isnan(x) ? std::isnan(got) : (std::isinf(got) && (got > 0) == (x > 0));
      e.error = e.passed ? "0" : "inf";
      e.ulps = e.ratio = e.passed ? 0 : infinity;
    } else if (!std::isfinite(got)) {
      e.passed = isinf(bound);  // only where the model does not bound the element (the kernel may overflow)
      e.error = "inf";
      e.ulps = infinity;
      e.ratio = e.passed ? 0 : infinity;
    } else {
      const Real error = abs(exact(got) - x);
      const Real unsure = uncertainty(x, golden.digits[u]);
      e.error = error == 0 ? "0" : bound_text(error);
      e.ulps = static_cast<double>(error / ulp);
      e.ratio = to_double_ratio(error, bound);
      if (error + unsure <= bound) {
        e.passed = true;
      } else if (error - unsure > bound) {
        e.passed = false;
      } else {
        e.passed = true;
        e.undecided = true;
      }
    }
    ++out.checked;
    if (!e.passed) ++out.failed;
    if (e.undecided) ++out.undecided;
    if (e.ulps > out.worst_ulps) {
      out.worst_ulps = e.ulps;
      out.worst_ulps_index = i;
    }
    // The worst element: a failing one if any, then the largest bound ratio.
    if (!out.worst || (out.worst->passed && !e.passed) || (out.worst->passed == e.passed && e.ratio > out.worst->ratio))
      out.worst = e;
  }
  return out;
}

}  // namespace gradref::cli::verify
