// The momentum forms are one algorithm written in different variables, checked in
// Real on random quadratics 1/2 x^T A x + b^T x:
//  1. Nesterov: the look-ahead form (theta, v; gradient at theta + mu v) and the
//     reformulated form PyTorch, optax and Keras use (sgd with nesterov; variable
//     phi, buffer b) give the same trajectory under phi = theta + mu v, v = -lr b,
//     from v = 0 (Sutskever et al. 2013, sec. 3.1);
//  2. heavy ball (b <- mu b + g, theta -= lr b) and the velocity form
//     (v <- mu v - lr g, theta += v) give identical parameters under a constant
//     step, with v = -lr b, for any gradients.
//
// Tolerance. Each run performs at most 8 roundings per element per step at kBits
// (relative 2^-kBits each) on values bounded by the largest magnitude M any
// trajectory reaches; errors made at one step are propagated by the next at most by
// the factor (1 + mu + lr |A|_inf) <= 4 here. So after K <= 12 steps each side is
// within 8 K 4^K M 2^-kBits of the exact trajectory, about 2^-(kBits - 35) M, and
// the check uses 2^-(kBits - 40) M; a wrong sign or factor shows at 2^-50 or more.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <functional>
#include <iostream>

#include "gradref/catalog/generators.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/nesterov_lookahead.hpp"
#include "gradref/reference/rules/sgd.hpp"
#include "theorems/theorem_checks.hpp"

namespace gradref::properties {
namespace {

using catalog::Dtype;
using theorems::failures;
using theorems::kBits;

struct Quadratic {
  Array<Real> a, b;
};

rc::Gen<Quadratic> quadratics(std::int64_t n) {
  return rc::gen::exec([n] {
    // |A|_inf <= n * 2 with n <= 4 and lr <= 0.1 keeps lr |A|_inf <= 0.8 (see above).
    std::vector<double> a = *catalog::gen::values(n * n, catalog::gen::ordinary(Dtype::float32, -1, 0));
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < i; ++j) a[static_cast<std::size_t>(i * n + j)] = a[static_cast<std::size_t>(j * n + i)];
    return Quadratic{catalog::gen::real_array({n, n}, a),
                     catalog::gen::real_array({n}, *catalog::gen::values(n, catalog::gen::ordinary(Dtype::float32, -1, 0)))};
  });
}

Real magnitude(const Array<Real>& x) {
  Real m(0);
  for (const Real& v : x.values()) m = std::max(m, Real(abs(v)));
  return m;
}

bool close(const Real& x, const Real& y, const Real& scale) {
  return !(abs(x - y) > scale * pow(Real(2), -static_cast<int>(kBits - 40)));
}

/// How the reformulated (or velocity) form under test steps: reference::step for
/// the right rule, a deliberately broken one in the tests below.
using Rule = std::function<void(const spec::Sgd&, reference::RuleState<Real>&, const Array<Real>&)>;

void reference_step(const spec::Sgd& s, reference::RuleState<Real>& st, const Array<Real>& g) {
  reference::step(s, st, g);
}

struct LookaheadInstance {
  Quadratic q;
  spec::NesterovLookahead look;
  Array<Real> theta0;
  std::int64_t steps = 1;
};

rc::Gen<LookaheadInstance> lookahead_instances() {
  return rc::gen::exec([] {
    const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 5);
    LookaheadInstance x{*quadratics(n), {}, {}, 1};
    x.look.lr = *rc::gen::element(0.02, 0.01, 0.1, 0.05);
    x.look.momentum = *rc::gen::element(0.8, 0.5, 0.9, 0.99);
    x.look.maximize = *rc::gen::arbitrary<bool>();
    x.theta0 = catalog::gen::real_array({n}, *catalog::gen::values(n, catalog::gen::ordinary(Dtype::float32, -1, 0)));
    x.steps = *rc::gen::inRange<std::int64_t>(1, 13);
    return x;
  });
}

/// Whether `reformulated` (sgd with nesterov, from b = 0) tracks the look-ahead form
/// under phi = theta + mu v, v = -lr b at every step.
bool tracks_lookahead(const LookaheadInstance& x, const Rule& reformulated) {
  const std::int64_t n = x.theta0.size();
  spec::Sgd s;
  s.lr = x.look.lr;
  s.momentum = x.look.momentum;
  s.nesterov = true;
  s.maximize = x.look.maximize;
  reference::RuleState<Real> ahead{x.theta0, {Array<Real>(Shape{n}, Real(0))}, {}, 0};
  reference::RuleState<Real> phi{x.theta0, {Array<Real>(Shape{n}, Real(0))}, {}, 0};
  const Quadratic& q = x.q;
  const reference::GradientAt<Real> gradient = [&q](const Array<Real>& p) {
    return reference::quadratic_gradient(q.a, q.b, p);
  };
  const Real mu(x.look.momentum), lr(x.look.lr);
  for (std::int64_t t = 1; t <= x.steps; ++t) {
    reference::nesterov_lookahead(x.look, ahead, gradient);
    reformulated(s, phi, gradient(phi.param));
    const Real scale = 1 + magnitude(ahead.param) + magnitude(phi.param) + magnitude(phi.slots[0]);
    for (std::int64_t i = 0; i < n; ++i) {
      if (!close(phi.param[i], ahead.param[i] + mu * ahead.slots[0][i], scale)) return false;
      if (!close(-lr * phi.slots[0][i], ahead.slots[0][i], scale)) return false;
    }
  }
  return true;
}

RC_GTEST_PROP(MomentumForms, LookaheadNesterovIsTheReformulatedFormInShiftedVariables, ()) {
  ScopedPrecision precision(kBits);
  RC_ASSERT(tracks_lookahead(*lookahead_instances(), reference_step));
}

struct FormsInstance {
  spec::Sgd heavy;
  Array<Real> theta0, grads;
};

rc::Gen<FormsInstance> forms_instances() {
  return rc::gen::exec([] {
    const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 9);
    const std::int64_t steps = *rc::gen::inRange<std::int64_t>(1, 13);
    FormsInstance x;
    x.heavy.lr = *rc::gen::element(0.02, 0.01, 0.1, 0.5);
    x.heavy.momentum = *rc::gen::element(0.8, 0.5, 0.9, 0.99);
    x.heavy.nesterov = *rc::gen::arbitrary<bool>();
    x.heavy.maximize = *rc::gen::arbitrary<bool>();
    x.heavy.weight_decay = *rc::gen::element(0.0, 0.01);
    x.theta0 = catalog::gen::real_array({n}, *catalog::gen::values(n, catalog::gen::ordinary(Dtype::float32, -1, 0)));
    x.grads = catalog::gen::real_array(
        {steps, n}, *catalog::gen::values(steps * n, catalog::gen::ordinary(Dtype::float32, -2, 1)));
    return x;
  });
}

/// Whether `velocity_rule` (the velocity form, from v = 0) gives the heavy-ball
/// form's parameters, with v = -lr b, after the instance's gradients.
bool velocity_matches_heavy_ball(const FormsInstance& x, const Rule& velocity_rule) {
  const std::int64_t n = x.theta0.size();
  spec::Sgd velocity = x.heavy;
  velocity.momentum_form = spec::MomentumForm::velocity;
  reference::RuleState<Real> b{x.theta0, {Array<Real>(Shape{n}, Real(0))}, {}, 0};
  reference::RuleState<Real> v{x.theta0, {Array<Real>(Shape{n}, Real(0))}, {}, 0};
  reference::step(x.heavy, b, x.grads);
  velocity_rule(velocity, v, x.grads);
  const Real scale = 1 + magnitude(b.param) + magnitude(b.slots[0]);
  for (std::int64_t i = 0; i < n; ++i) {
    if (!close(b.param[i], v.param[i], scale)) return false;
    if (!close(-Real(x.heavy.lr) * b.slots[0][i], v.slots[0][i], scale)) return false;
  }
  return true;
}

RC_GTEST_PROP(MomentumForms, HeavyBallAndVelocityAgreeUnderAConstantStep, ()) {
  ScopedPrecision precision(kBits);
  RC_ASSERT(velocity_matches_heavy_ball(*forms_instances(), reference_step));
}

// The broken rules. For Nesterov: classical momentum (nesterov = false) in place of
// the reformulated form; it is not the look-ahead method in any variables. For the
// velocity form: the parameters moved by the velocity before it is updated
// (theta += v; v <- mu v - lr g), which lags one step behind and does not move at all
// on the first. Both fail on every drawn case (the gradients are nonzero).
void lagged_velocity(const spec::Sgd& s, reference::RuleState<Real>& st, const Array<Real>& grads) {
  const std::int64_t n = st.param.size();
  const Real lr(s.lr), mu(s.momentum), wd(s.weight_decay);
  for (std::int64_t k = 0; k < grads.size() / n; ++k)
    for (std::int64_t i = 0; i < n; ++i) {
      Real g = s.maximize ? Real(-grads[k * n + i]) : grads[k * n + i];
      g = g + wd * st.param[i];
      st.param[i] = st.param[i] + st.slots[0][i];
      st.slots[0][i] = mu * st.slots[0][i] - lr * g;
    }
}

TEST(MomentumForms, FailForClassicalMomentumAndALaggedVelocity) {
  ScopedPrecision precision(kBits);
  constexpr int kCases = 100;
  const auto nonzero = [](const Array<Real>& a) {
    for (const Real& x : a.values())
      if (x != 0) return true;
    return false;
  };
  const auto lookahead = rc::gen::suchThat(lookahead_instances(), [&](const LookaheadInstance& x) {
    return nonzero(x.q.a) || nonzero(x.q.b);
  });
  const auto forms = rc::gen::suchThat(forms_instances(), [&](const FormsInstance& x) { return nonzero(x.grads); });
  const Rule classical = [](const spec::Sgd& s, reference::RuleState<Real>& st, const Array<Real>& g) {
    spec::Sgd broken = s;
    broken.nesterov = false;
    reference::step(broken, st, g);
  };
  const int classical_failed =
      failures(lookahead, kCases, [&](const LookaheadInstance& x) { return tracks_lookahead(x, classical); });
  const int lagged_failed =
      failures(forms, kCases, [](const FormsInstance& x) { return velocity_matches_heavy_ball(x, lagged_velocity); });
  std::cout << "  classical momentum fails on " << classical_failed << "/" << kCases << ", lagged velocity on "
            << lagged_failed << "/" << kCases << "\n";
  EXPECT_GE(classical_failed, kCases * 9 / 10);
  EXPECT_GE(lagged_failed, kCases * 9 / 10);
  EXPECT_EQ(failures(lookahead, kCases, [](const LookaheadInstance& x) { return tracks_lookahead(x, reference_step); }),
            0);
  EXPECT_EQ(failures(forms, kCases, [](const FormsInstance& x) { return velocity_matches_heavy_ball(x, reference_step); }),
            0);
}

}  // namespace
}  // namespace gradref::properties
