// Momentum under a constant gradient (issue 5, theorem 4), checked in Real on the
// reference SGD: from a zero buffer, with dampening 0,
//   heavy ball  b_t = g (1 - mu^t) / (1 - mu)        (b <- mu b + g; PyTorch's first
//               step b_1 = g is the same value, mu 0 + g)
//   velocity    v_t = -lr g (1 - mu^t) / (1 - mu)    (v <- mu v - lr g)
// so the buffer tends to g / (1 - mu) (resp. -lr g / (1 - mu)), the distance to that
// limit shrinking by exactly mu per step; and without Nesterov the parameters are
//   theta_t = theta_0 - lr g (t - mu (1 - mu^t) / (1 - mu)) / (1 - mu).
// (The two momentum forms themselves: momentum_forms.cpp.)
//
// Tolerance. Each step rounds at most 3 times per element (mu b, + g, and the
// parameter update's 2), each a relative 2^-kBits of values bounded by B = |g| / (1 - mu)
// (buffer) or M (parameters); the recursion b <- mu b + g does not amplify earlier
// errors (mu < 1). So after t <= 64 steps the buffer is within 2 t B 2^-kBits and the
// parameters within 4 t (M + lr B) 2^-kBits of the formulas, evaluated here with
// another handful of roundings; the check allows 2^-(kBits - 16) (B + M + lr t B).
// A dampening or a (1 - mu) factor changes b_2 by a fixed fraction of g.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <functional>

#include "gradref/catalog/generators.hpp"
#include "gradref/reference/rules/sgd.hpp"
#include "theorems/theorem_checks.hpp"

namespace gradref::properties::theorems {
namespace {

struct Instance {
  spec::Sgd spec;
  std::vector<double> g;  ///< the constant gradient, nonzero entries
  std::vector<double> theta0;
  std::int64_t steps = 1;
};

rc::Gen<Instance> instances(std::int64_t min_steps) {
  return rc::gen::exec([min_steps] {
    Instance x;
    const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 9);
    x.spec.lr = *rc::gen::element(0.01, 0.1, 0.5, 1.0);
    x.spec.momentum = *rc::gen::element(0.5, 0.8, 0.9, 0.99, 0.3);
    x.spec.momentum_form = *rc::gen::element(spec::MomentumForm::heavy_ball, spec::MomentumForm::velocity);
    x.spec.nesterov = *rc::gen::arbitrary<bool>();
    for (std::int64_t i = 0; i < n; ++i) {
      const double m = *rc::gen::element(1.0, 0.5, 0.75, 3.0, 0.1, 1e-3, 40.0);
      x.g.push_back(*rc::gen::arbitrary<bool>() ? m : -m);
    }
    x.theta0 = *catalog::gen::values(n, catalog::gen::ordinary(catalog::Dtype::float32, -1, 1));
    x.steps = *rc::gen::inRange<std::int64_t>(min_steps, 65);
    return x;
  });
}

using Rule = std::function<void(const spec::Sgd&, reference::RuleState<Real>&, const Array<Real>&)>;

/// Whether `rule`, run under x.spec with a constant gradient from a zero buffer,
/// accumulates g (1 - mu^t) / (1 - mu) (times -lr in the velocity form), approaches
/// the limit by the factor mu per step, and (heavy ball, no Nesterov) moves the
/// parameters by the sum of the buffers.
bool accumulates(const Instance& x, const Rule& rule) {
  const std::int64_t n = static_cast<std::int64_t>(x.g.size());
  const Array<Real> g = catalog::gen::real_array({n}, x.g);
  reference::RuleState<Real> st{catalog::gen::real_array({n}, x.theta0), {Array<Real>(Shape{n}, Real(0))}, {}, 0};
  const Real mu(x.spec.momentum), lr(x.spec.lr);
  const bool velocity = x.spec.momentum_form == spec::MomentumForm::velocity;
  const Real unit = velocity ? -lr : Real(1);  // the buffer is unit * g (1 - mu^t) / (1 - mu)
  for (std::int64_t t = 1; t <= x.steps; ++t) {
    rule(x.spec, st, g);
    const Real mu_t = pow(mu, static_cast<int>(t));
    for (std::int64_t i = 0; i < n; ++i) {
      const Real limit = unit * g[i] / (1 - mu);
      const Real bound = abs(limit);
      const Real theta = st.param[i];
      const Real tol = two_to_minus(static_cast<int>(kBits) - 16) *
                       (bound + abs(theta) + abs(Real(x.theta0[static_cast<std::size_t>(i)])) + lr * Real(t) * bound);
      if (abs(st.slots[0][i] - limit * (1 - mu_t)) > tol) return false;
      // Distance to the limit: mu^t |limit|, shrinking by mu each step.
      const Real gap = abs(limit - st.slots[0][i]);
      if (abs(gap - mu_t * bound) > tol) return false;
      if (!x.spec.nesterov) {
        // Sum of the first t buffers: (t - mu (1 - mu^t) / (1 - mu)) / (1 - mu) times unit g.
        const Real moved = unit * g[i] * (Real(t) - mu * (1 - mu_t) / (1 - mu)) / (1 - mu);
        const Real expected = velocity ? Real(x.theta0[static_cast<std::size_t>(i)]) + moved
                                       : Real(x.theta0[static_cast<std::size_t>(i)]) - lr * moved;
        if (abs(theta - expected) > tol) return false;
      }
    }
  }
  return true;
}

void reference_step(const spec::Sgd& s, reference::RuleState<Real>& st, const Array<Real>& g) {
  reference::step(s, st, g);
}

RC_GTEST_PROP(MomentumAccumulation, ConstantGradientAccumulatesGeometricallyToGOverOneMinusMu, ()) {
  ScopedPrecision precision(kBits);
  RC_ASSERT(accumulates(*instances(1), reference_step));
}

// The broken rules: a heavy-ball buffer with dampening 0.5 (b <- mu b + 0.5 g after
// the first step), and with the (1 - mu) scaling of an exponential average
// (dampening = mu: b <- mu b + (1 - mu) g, which stays at g). Both differ at t = 2.
TEST(MomentumAccumulation, FailsForDampenedOrAveragedBuffers) {
  ScopedPrecision precision(kBits);
  constexpr int kCases = 100;
  const rc::Gen<Instance> heavy = rc::gen::map(instances(2), [](Instance x) {
    x.spec.momentum_form = spec::MomentumForm::heavy_ball;
    x.spec.nesterov = false;
    return x;
  });
  const int dampened = failures(heavy, kCases, [](const Instance& x) {
    return accumulates(x, [](const spec::Sgd& s, reference::RuleState<Real>& st, const Array<Real>& g) {
      spec::Sgd broken = s;
      broken.dampening = 0.5;
      reference::step(broken, st, g);
    });
  });
  const int averaged = failures(heavy, kCases, [](const Instance& x) {
    return accumulates(x, [](const spec::Sgd& s, reference::RuleState<Real>& st, const Array<Real>& g) {
      spec::Sgd broken = s;
      broken.dampening = s.momentum;
      reference::step(broken, st, g);
    });
  });
  EXPECT_EQ(dampened, kCases);
  EXPECT_EQ(averaged, kCases);
  // And the check passes the right rule on these very cases.
  EXPECT_EQ(failures(heavy, kCases, [](const Instance& x) { return accumulates(x, reference_step); }), 0);
}

}  // namespace
}  // namespace gradref::properties::theorems
