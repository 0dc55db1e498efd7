// The bilinear game min_x max_y x y (issue 6), played by the GAN dynamics code
// itself (reference/models/two_player.hpp): the generator x descends dV/dx = y with
// rate a, the discriminator y ascends dV/dy = x with rate b.
//   simultaneous (x' = x - a y, y' = y + b x):     b x'^2 + a y'^2 = (1 + a b)(b x^2 + a y^2)
//   alternating, generator first (y' = y + b x'):  b x^2 - a b x y + a y^2 is conserved
//   alternating, discriminator first (x' = x - a y'): b x^2 + a b x y + a y^2 is conserved
// With a = b = eta: x^2 + y^2 grows by exactly 1 + eta^2 per simultaneous step (divergence)
// and x^2 - eta x y + y^2 is conserved by the alternating steps; for a, b < 2 the conserved
// form is positive definite, b x^2 -+ a b x y + a y^2 >= min(a, b)(1 - max(a, b)/2)(x^2 + y^2),
// so the iterates stay on a bounded ellipse.
//
// Exactness. Rates are dyadic m / 2^j (j <= 4), starts are multiples of 2^-10 below 2^10,
// runs up to 200 steps.
// Every iterate after t steps is then a multiple of 2^-s, s = 10 + 8 t, and each check
// (squares, products with a and b) a multiple of 2^-(2 s + 8). At kExactBits a value that
// is such a multiple and below 2^(kExactBits - denominator bits) is representable, so the
// correctly rounded MPFR result is the exact value; the test asserts those magnitude bounds
// (a rounded result could not be smaller than the smallest unrepresentable magnitude), so
// every comparison below is an exact == or <= of exact values.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "gradref/reference/models/two_player.hpp"
#include "theorems/theorem_checks.hpp"

namespace gradref::properties::theorems {
namespace {

constexpr unsigned kExactBits = 4096;

/// V(x, y) = x y: the generator's parameter g = [x], the discriminator's d = [y].
struct BilinearGame {
  Array<Real> discriminator_gradient(const Array<Real>&, const Array<Real>& g) const { return g; }  // dV/dy = x
  Array<Real> generator_gradient(const Array<Real>& d, const Array<Real>&) const { return d; }      // dV/dx = y
};

struct Instance {
  spec::TwoPlayerDynamics dynamics;
  double x0 = 0, y0 = 0;
};

rc::Gen<double> dyadic_rate() {
  return rc::gen::exec([] {
    const int j = *rc::gen::inRange(1, 5);
    const int m = 2 * *rc::gen::inRange(0, 1 << j) + 1;  // odd, m / 2^j in (0, 2)
    return std::ldexp(m, -j);
  });
}

rc::Gen<Instance> instances(spec::UpdateOrder order) {
  return rc::gen::exec([order] {
    Instance x;
    x.dynamics.order = order;
    x.dynamics.lr_generator = *dyadic_rate();
    x.dynamics.lr_discriminator = *rc::gen::arbitrary<bool>() ? x.dynamics.lr_generator : *dyadic_rate();
    x.dynamics.steps = *rc::gen::inRange<std::int64_t>(1, 201);
    const auto coordinate = rc::gen::map(rc::gen::inRange(-(1 << 20), (1 << 20) + 1),
                                         [](int k) { return std::ldexp(k, -10); });
    x.x0 = *coordinate;
    x.y0 = *coordinate;
    return x;
  });
}

std::vector<reference::Players<Real>> play(const Instance& x) {
  reference::Players<Real> start{Array<Real>(Shape{1}, std::vector<Real>{Real(x.y0)}),
                                 Array<Real>(Shape{1}, std::vector<Real>{Real(x.x0)})};
  return reference::two_player_trajectory(x.dynamics, BilinearGame{}, std::move(start));
}

/// |v| < 2^(kExactBits - denominator_bits - 4): with v a multiple of 2^-denominator_bits,
/// representable at kExactBits.
bool fits(const Real& v, int denominator_bits) {
  return abs(v) < pow(Real(2), static_cast<int>(kExactBits) - denominator_bits - 4);
}

/// b x^2 + sign a b x y + a y^2 (sign 0: the weighted norm b x^2 + a y^2).
Real form(const Real& x, const Real& y, const Real& a, const Real& b, int sign) {
  return b * x * x + Real(sign) * a * b * x * y + a * y * y;
}

/// Each step's x, y exact (the magnitude bounds hold), and `holds(t, x_t, y_t)` for t >= 1.
template <class Holds>
bool along(const Instance& x, Holds holds) {
  const std::vector<reference::Players<Real>> path = play(x);
  for (std::size_t t = 0; t < path.size(); ++t) {
    const Real& xt = path[t].generator[0];
    const Real& yt = path[t].discriminator[0];
    const int s = 10 + 8 * static_cast<int>(t);
    if (!fits(xt * xt + yt * yt, 2 * s + 16)) return false;  // every check's terms stay exact
    if (t > 0 && !holds(t, xt, yt)) return false;
  }
  return true;
}

/// Simultaneous steps multiply b x^2 + a y^2 by exactly 1 + a b.
bool grows_by_one_plus_ab(const Instance& x) {
  const Real a(x.dynamics.lr_generator), b(x.dynamics.lr_discriminator);
  Real previous = form(Real(x.x0), Real(x.y0), a, b, 0);
  return along(x, [&](std::size_t, const Real& xt, const Real& yt) {
    const Real now = form(xt, yt, a, b, 0);
    const bool ok = now == (1 + a * b) * previous;
    previous = now;
    return ok;
  });
}

/// Alternating steps conserve b x^2 -+ a b x y + a y^2 (- generator first, + discriminator
/// first), and x^2 + y^2 stays within Q_0 / (min(a, b) (1 - max(a, b) / 2)).
bool conserves(const Instance& x, int sign) {
  const Real a(x.dynamics.lr_generator), b(x.dynamics.lr_discriminator);
  const Real q0 = form(Real(x.x0), Real(x.y0), a, b, sign);
  const Real lower = std::min(a, b) * (1 - std::max(a, b) / 2);  // > 0 for a, b < 2
  return along(x, [&](std::size_t, const Real& xt, const Real& yt) {
    return form(xt, yt, a, b, sign) == q0 && (xt * xt + yt * yt) * lower <= q0;
  });
}

RC_GTEST_PROP(BilinearGame, SimultaneousStepsGrowTheNormByExactlyOnePlusEtaSquared, ()) {
  ScopedPrecision precision(kExactBits);
  RC_ASSERT(grows_by_one_plus_ab(*instances(spec::UpdateOrder::simultaneous)));
}

RC_GTEST_PROP(BilinearGame, AlternatingStepsConserveTheirQuadraticFormAndStayBounded, ()) {
  ScopedPrecision precision(kExactBits);
  RC_ASSERT(conserves(*instances(spec::UpdateOrder::alternating_generator_first), -1));
  RC_ASSERT(conserves(*instances(spec::UpdateOrder::alternating), +1));
}

RC_GTEST_PROP(BilinearGame, EqualRatesGiveTheTextbookForms, ()) {
  // a = b = eta: (1 + eta^2)(x^2 + y^2) and x^2 - eta x y + y^2, the forms divided by eta.
  ScopedPrecision precision(kExactBits);
  Instance x = *instances(spec::UpdateOrder::simultaneous);
  x.dynamics.lr_discriminator = x.dynamics.lr_generator;
  const Real eta(x.dynamics.lr_generator);
  Real previous = Real(x.x0) * Real(x.x0) + Real(x.y0) * Real(x.y0);
  RC_ASSERT(along(x, [&](std::size_t, const Real& xt, const Real& yt) {
    const Real now = xt * xt + yt * yt;
    const bool ok = now == (1 + eta * eta) * previous;
    previous = now;
    return ok;
  }));
  x.dynamics.order = spec::UpdateOrder::alternating_generator_first;
  const Real q0 = Real(x.x0) * Real(x.x0) - eta * Real(x.x0) * Real(x.y0) + Real(x.y0) * Real(x.y0);
  RC_ASSERT(along(x, [&](std::size_t, const Real& xt, const Real& yt) {
    return xt * xt - eta * xt * yt + yt * yt == q0 && (xt * xt + yt * yt) * eta * (1 - eta / 2) <= eta * q0;
  }));
}

// The broken updates: alternating with the stale x (y' = y + b x, not b x'), which is
// the simultaneous step, must break the conservation; and the alternating step must
// break the exact growth. Starts with x0 y0 != 0 (at the origin both hold trivially).
TEST(BilinearGame, FailsForTheWrongOrder) {
  ScopedPrecision precision(kExactBits);
  constexpr int kCases = 100;
  const auto nonzero = [](spec::UpdateOrder order) {
    return rc::gen::suchThat(instances(order), [](const Instance& x) { return x.x0 != 0 && x.y0 != 0; });
  };
  const int stale = failures(nonzero(spec::UpdateOrder::simultaneous), kCases,
                             [](const Instance& x) { return conserves(x, -1); });
  const int alternating = failures(nonzero(spec::UpdateOrder::alternating_generator_first), kCases,
                                   [](const Instance& x) { return grows_by_one_plus_ab(x); });
  const int right = failures(nonzero(spec::UpdateOrder::alternating_generator_first), kCases,
                             [](const Instance& x) { return conserves(x, -1); });
  EXPECT_EQ(stale, kCases) << "alternating with the stale x conserved the form";
  EXPECT_EQ(alternating, kCases) << "alternating steps grew the norm by 1 + a b";
  EXPECT_EQ(right, 0);
  std::cout << "  stale x: conservation fails on " << stale << "/" << kCases << "; alternating: growth fails on "
            << alternating << "/" << kCases << "; right order: " << right << " failures\n";
}

}  // namespace
}  // namespace gradref::properties::theorems
