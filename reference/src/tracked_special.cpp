#include "gradref/reference/tracked_special.hpp"

#include <boost/math/constants/constants.hpp>

#include "tracked_rounding.hpp"

namespace gradref {

namespace {

/// The operand error e bounded by the slope at the operand's nearest approach to 0.
Real nearest_abs(const Tracked& a) {
  const Real m = abs(a.value()) - a.error();
  return m > 0 ? m : Real(0);
}

Real at_most_two(const Real& p) { return p < 2 ? p : Real(2); }

}  // namespace

Tracked tanh(const Tracked& a) {
  const Real r = tanh(a.value());
  const Real t = tanh(nearest_abs(a));
  const Real p = at_most_two(a.error() * (1 - t * t));
  return detail::rounded(r, p, a.format(), tanh_ulps, false, smallest_normal(a.format()));
}

Tracked erf(const Tracked& a) {
  const Real r = erf(a.value());
  const Real m = nearest_abs(a);
  const Real slope = 2 / sqrt(boost::math::constants::pi<Real>()) * exp(-(m * m));
  return detail::rounded(r, at_most_two(a.error() * slope), a.format(), erf_ulps);
}

Tracked double_constant(const Real& exact) {
  return Tracked(exact, abs(detail::round_in(exact, Format::float64) - exact), Format::float64);
}

}  // namespace gradref
