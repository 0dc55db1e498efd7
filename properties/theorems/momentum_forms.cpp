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

#include "gradref/catalog/generators.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/nesterov_lookahead.hpp"
#include "gradref/reference/rules/sgd.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 512;
using catalog::Dtype;

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

void expect_close(const Real& x, const Real& y, const Real& scale) {
  RC_ASSERT_FALSE(abs(x - y) > scale * pow(Real(2), -static_cast<int>(kBits - 40)));
}

RC_GTEST_PROP(MomentumForms, LookaheadNesterovIsTheReformulatedFormInShiftedVariables, ()) {
  ScopedPrecision precision(kBits);
  const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 5);
  const Quadratic q = *quadratics(n);
  spec::NesterovLookahead look;
  look.lr = *rc::gen::element(0.02, 0.01, 0.1, 0.05);
  look.momentum = *rc::gen::element(0.8, 0.5, 0.9, 0.99);
  look.maximize = *rc::gen::arbitrary<bool>();
  spec::Sgd reformulated;
  reformulated.lr = look.lr;
  reformulated.momentum = look.momentum;
  reformulated.nesterov = true;
  reformulated.maximize = look.maximize;
  const Array<Real> theta0 = catalog::gen::real_array({n}, *catalog::gen::values(n, catalog::gen::ordinary(Dtype::float32, -1, 0)));
  const std::int64_t steps = *rc::gen::inRange<std::int64_t>(1, 13);

  reference::RuleState<Real> ahead{theta0, {Array<Real>(Shape{n}, Real(0))}, {}, 0};
  reference::RuleState<Real> phi{theta0, {Array<Real>(Shape{n}, Real(0))}, {}, 0};
  const reference::GradientAt<Real> gradient = [&q](const Array<Real>& x) {
    return reference::quadratic_gradient(q.a, q.b, x);
  };
  const Real mu(look.momentum), lr(look.lr);
  for (std::int64_t t = 1; t <= steps; ++t) {
    reference::nesterov_lookahead(look, ahead, gradient);
    reference::step(reformulated, phi, gradient(phi.param));
    const Real scale = 1 + magnitude(ahead.param) + magnitude(phi.param) + magnitude(phi.slots[0]);
    for (std::int64_t i = 0; i < n; ++i) {
      expect_close(phi.param[i], ahead.param[i] + mu * ahead.slots[0][i], scale);
      expect_close(-lr * phi.slots[0][i], ahead.slots[0][i], scale);
    }
  }
}

RC_GTEST_PROP(MomentumForms, HeavyBallAndVelocityAgreeUnderAConstantStep, ()) {
  ScopedPrecision precision(kBits);
  const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 9);
  const std::int64_t steps = *rc::gen::inRange<std::int64_t>(1, 13);
  spec::Sgd heavy;
  heavy.lr = *rc::gen::element(0.02, 0.01, 0.1, 0.5);
  heavy.momentum = *rc::gen::element(0.8, 0.5, 0.9, 0.99);
  heavy.nesterov = *rc::gen::arbitrary<bool>();
  heavy.maximize = *rc::gen::arbitrary<bool>();
  heavy.weight_decay = *rc::gen::element(0.0, 0.01);
  spec::Sgd velocity = heavy;
  velocity.momentum_form = spec::MomentumForm::velocity;
  const Array<Real> theta0 = catalog::gen::real_array({n}, *catalog::gen::values(n, catalog::gen::ordinary(Dtype::float32, -1, 0)));
  const Array<Real> grads = catalog::gen::real_array(
      {steps, n}, *catalog::gen::values(steps * n, catalog::gen::ordinary(Dtype::float32, -2, 1)));

  reference::RuleState<Real> b{theta0, {Array<Real>(Shape{n}, Real(0))}, {}, 0};
  reference::RuleState<Real> v{theta0, {Array<Real>(Shape{n}, Real(0))}, {}, 0};
  reference::step(heavy, b, grads);
  reference::step(velocity, v, grads);
  const Real scale = 1 + magnitude(b.param) + magnitude(b.slots[0]);
  for (std::int64_t i = 0; i < n; ++i) {
    expect_close(b.param[i], v.param[i], scale);
    expect_close(-Real(heavy.lr) * b.slots[0][i], v.slots[0][i], scale);
  }
}

}  // namespace
}  // namespace gradref::properties
