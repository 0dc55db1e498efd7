// The step-size bound of gradient descent (issue 5, theorem 3), checked in Real on
// the reference SGD (momentum 0). On L(theta) = 1/2 theta^T A theta + b^T theta with
// A = Q diag(lambda) Q^T symmetric positive definite and minimizer theta*, the error
// e = theta - theta* obeys e_{t+1} = (I - eta A) e_t, so in the eigenbasis each
// component z_i = (Q^T e)_i scales by exactly 1 - eta lambda_i per step. Hence:
//   - from a generic start (every z_i != 0) GD converges iff |1 - eta lambda_i| < 1
//     for all i, i.e. iff 0 < eta < 2 / lambda_max;
//   - at eta = (1 - delta) 2 / lambda_max the error contracts at exactly
//     rho = max_i |1 - eta lambda_i| < 1 per step (the component attaining it scales
//     by rho, none by more); at (1 + delta) 2 / lambda_max the top component grows
//     by eta lambda_max - 1 > 1 per step;
//   - rho(eta) = max(|1 - eta lambda_min|, |1 - eta lambda_max|) is smallest at
//     eta = 2 / (lambda_min + lambda_max), where it is (kappa - 1) / (kappa + 1),
//     kappa = lambda_max / lambda_min;
//   - for any L-smooth f, f(x - eta g) <= f(x) - eta (1 - L eta / 2) |g|^2 (the
//     descent lemma), so eta < 2 / L decreases f while g != 0; quadratics have
//     L = lambda_max, and f(x) = sum_i sqrt(1 + x_i^2) (f'' = (1 + x^2)^(-3/2) <= 1)
//     is a non-quadratic example with L = 1.
//
// Exact eigenvalues. Q is a product of Givens rotations with Pythagorean triples
// (3,4,5), (5,12,13), (8,15,17), (7,24,25): Q = P / D with P an integer matrix,
// P P^T = D^2 I. With lambda_i = D^2 mu_i for distinct integers mu_i,
// A = P diag(mu) P^T is an integer matrix, b = -A theta* and theta_0 = theta* + P z_0
// are exact, and w = P^T e = D^2 Q^T e gives the eigen-coordinates without division.
//
// Tolerance. One GD step from the computed theta_t rounds the gradient (n products
// and sums of terms bounded by n |A| |theta| + |b|), eta g and the subtraction:
// the computed theta_{t+1} is within (n + 3) 2^-kBits (|theta_{t+1}| + eta (n |A|
// |theta_t| + |b|)) of the exact step from theta_t; w = P^T (theta - theta*) adds
// (n + 1) 2^-kBits n |P| (|theta| + |theta*|). Errors of earlier steps do not matter:
// each check compares two consecutive computed iterates. The exact-scaling check
// allows 2^-(kBits - 24) n |P| (|theta_t| + |theta_{t+1}| + 2 |theta*| + eta (n |A|
// |theta_t| + |b|)) * 4. For L: the computed step is within that distance delta of
// the exact one and |L(x + delta) - L(x)| <= |g| |delta| + |A| |delta|^2, and L itself
// is evaluated with n^2 + n roundings; the descent checks allow
// 2^-(kBits - 24) n^3 lambda_max S^2, S = max |theta| + |theta*|. The iterates stay
// far above these tolerances for the <= 12 steps drawn (every rate is >= 1e-3 or
// the component is below tolerance anyway).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <array>

#include "gradref/catalog/generators.hpp"
#include "gradref/reference/rules/nesterov_lookahead.hpp"
#include "gradref/reference/rules/sgd.hpp"
#include "theorems/theorem_checks.hpp"

namespace gradref::properties::theorems {
namespace {

struct Instance {
  std::int64_t n = 2;
  std::vector<std::array<int, 4>> rotations;  ///< plane (i, j) and a triple index, sign
  std::vector<int> mu;                        ///< distinct positive integers, increasing
  std::vector<double> theta_star, z0;         ///< z0 has no zero entry
  std::int64_t steps = 1;
};

constexpr std::array<std::array<int, 3>, 4> kTriples{{{3, 4, 5}, {5, 12, 13}, {8, 15, 17}, {7, 24, 25}}};

rc::Gen<Instance> instances() {
  return rc::gen::exec([] {
    Instance x;
    x.n = *rc::gen::inRange<std::int64_t>(2, 5);
    const int rotations = *rc::gen::inRange(1, static_cast<int>(x.n) + 1);
    for (int r = 0; r < rotations; ++r) {
      const int i = *rc::gen::inRange(0, static_cast<int>(x.n));
      int j = *rc::gen::inRange(0, static_cast<int>(x.n) - 1);
      if (j >= i) ++j;
      x.rotations.push_back({i, j, *rc::gen::inRange(0, 4), *rc::gen::element(1, -1)});
    }
    int m = *rc::gen::inRange(1, 9);
    for (std::int64_t i = 0; i < x.n; ++i) {
      x.mu.push_back(m);
      m += *rc::gen::inRange(1, 21);
    }
    x.theta_star = *catalog::gen::values(x.n, catalog::gen::ordinary(catalog::Dtype::float32, -1, 1));
    for (std::int64_t i = 0; i < x.n; ++i) {
      const double z = *rc::gen::element(1.0, 0.5, 0.75, 2.0, 0.125, 3.0);
      x.z0.push_back(*rc::gen::arbitrary<bool>() ? z : -z);
    }
    x.steps = *rc::gen::inRange<std::int64_t>(1, 13);
    return x;
  });
}

/// The quadratic and its eigenstructure, exact in Real.
struct Problem {
  std::int64_t n;
  Array<Real> p, a, b, theta_star, theta0;  ///< p, a: [n, n] row-major
  std::vector<Real> lambda;                  ///< lambda_i = D^2 mu_i, eigenvector P e_i
  Real p_max, a_max, b_max, star_max;
};

Real max_abs(const Array<Real>& x) {
  Real m(0);
  for (const Real& v : x.values()) m = std::max(m, Real(abs(v)));
  return m;
}

Problem problem(const Instance& x) {
  const std::int64_t n = x.n;
  Array<Real> p(Shape{n, n}, Real(0));
  for (std::int64_t i = 0; i < n; ++i) p[i * n + i] = 1;
  Real d(1);
  for (const auto& [i, j, k, sign] : x.rotations) {
    const auto [a, s, c] = kTriples[static_cast<std::size_t>(k)];
    // G = c I except in plane (i, j): [[a, -b], [b, a]], b = sign s; P <- P G.
    Array<Real> g(Shape{n, n}, Real(0));
    for (std::int64_t r = 0; r < n; ++r) g[r * n + r] = c;
    g[i * n + i] = a;
    g[j * n + j] = a;
    g[i * n + j] = -sign * s;
    g[j * n + i] = sign * s;
    Array<Real> next(Shape{n, n}, Real(0));
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t q = 0; q < n; ++q)
        for (std::int64_t l = 0; l < n; ++l) next[r * n + q] += p[r * n + l] * g[l * n + q];
    p = next;
    d *= c;
  }
  Problem out{n, p, Array<Real>(Shape{n, n}, Real(0)), Array<Real>(Shape{n}, Real(0)),
              catalog::gen::real_array({n}, x.theta_star), Array<Real>(Shape{n}, Real(0)), {}, 0, 0, 0, 0};
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t q = 0; q < n; ++q)
      for (std::int64_t l = 0; l < n; ++l) out.a[r * n + q] += p[r * n + l] * x.mu[static_cast<std::size_t>(l)] * p[q * n + l];
  for (std::int64_t r = 0; r < n; ++r) {
    for (std::int64_t q = 0; q < n; ++q) out.b[r] -= out.a[r * n + q] * out.theta_star[q];
    out.theta0[r] = out.theta_star[r];
    for (std::int64_t l = 0; l < n; ++l) out.theta0[r] += p[r * n + l] * x.z0[static_cast<std::size_t>(l)];
  }
  for (int m : x.mu) out.lambda.push_back(d * d * m);
  out.p_max = max_abs(p);
  out.a_max = max_abs(out.a);
  out.b_max = max_abs(out.b);
  out.star_max = max_abs(out.theta_star);
  return out;
}

/// GD's iterates in eigen-coordinates w_t = P^T (theta_t - theta*), the error
/// e^T A e / 2 = L - L*, |g|^2, and the tolerances of each step's checks.
struct Trajectory {
  std::vector<std::vector<Real>> w;
  std::vector<Real> excess, grad2;  ///< [t], t = 0..steps (grad2 at theta_t)
  std::vector<Real> tol, tol_excess;  ///< [t] for the step t -> t + 1
};

Trajectory run(const Problem& q, double eta, std::int64_t steps) {
  const std::int64_t n = q.n;
  spec::Sgd s;
  s.lr = eta;
  reference::RuleState<Real> st{q.theta0, {}, {}, 0};
  Trajectory out;
  const auto observe = [&](const Array<Real>& theta) {
    std::vector<Real> w(static_cast<std::size_t>(n), Real(0));
    Array<Real> e(Shape{n}, Real(0));
    for (std::int64_t i = 0; i < n; ++i) e[i] = theta[i] - q.theta_star[i];
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t r = 0; r < n; ++r) w[static_cast<std::size_t>(i)] += q.p[r * n + i] * e[r];
    Real excess(0);
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t c = 0; c < n; ++c) excess += e[r] * q.a[r * n + c] * e[c];
    out.w.push_back(std::move(w));
    out.excess.push_back(excess / 2);
  };
  const Real lr(eta);
  const Real nn(static_cast<double>(n));
  observe(st.param);
  for (std::int64_t t = 0; t < steps; ++t) {
    const Array<Real> g = reference::quadratic_gradient(q.a, q.b, st.param);
    Real g2(0);
    for (const Real& v : g.values()) g2 += v * v;
    out.grad2.push_back(g2);
    const Real before = max_abs(st.param);
    reference::step(s, st, g);
    observe(st.param);
    const Real after = max_abs(st.param);
    out.tol.push_back(two_to_minus(static_cast<int>(kBits) - 24) * nn * q.p_max *
                      (before + after + 2 * q.star_max + lr * (nn * q.a_max * before + q.b_max)) * 4);
    const Real size = std::max(before, after) + q.star_max;
    out.tol_excess.push_back(two_to_minus(static_cast<int>(kBits) - 24) * nn * nn * nn * q.lambda.back() * size * size);
  }
  return out;
}

/// Whether each eigencomponent scaled by exactly 1 - eta lambda_i at every step.
bool scales_exactly(const Problem& q, const Trajectory& tr, double eta) {
  for (std::size_t t = 0; t + 1 < tr.w.size(); ++t)
    for (std::size_t i = 0; i < q.lambda.size(); ++i)
      if (abs(tr.w[t + 1][i] - (1 - Real(eta) * q.lambda[i]) * tr.w[t][i]) > tr.tol[t]) return false;
  return true;
}

/// max_i |1 - eta lambda_i|.
Real rate(const Problem& q, double eta) {
  Real r(0);
  for (const Real& l : q.lambda) r = std::max(r, Real(abs(1 - Real(eta) * l)));
  return r;
}

/// The claim "GD with step eta converges": every eigencomponent shrinks at every
/// step, by exactly 1 - eta lambda_i, the whole error by at most rho = max_i
/// |1 - eta lambda_i| (attained by some component), and L decreases as the descent
/// lemma says (L-smooth with L = lambda_max).
bool converges(const Problem& q, double eta, std::int64_t steps) {
  const Trajectory tr = run(q, eta, steps);
  if (!scales_exactly(q, tr, eta)) return false;
  const Real rho = rate(q, eta);
  const Real lr(eta);
  for (std::size_t t = 0; t + 1 < tr.w.size(); ++t) {
    Real before(0), after(0), attained(0);
    for (std::size_t i = 0; i < q.lambda.size(); ++i) {
      const Real w0 = abs(tr.w[t][i]), w1 = abs(tr.w[t + 1][i]);
      // This component did not contract (components within 2^12 tolerances of 0 are
      // not judged: every factor here is at most 1 - 2^-10 in magnitude).
      if (!(w1 < w0) && w0 > 4096 * tr.tol[t]) return false;
      before += w0 * w0;
      after += w1 * w1;
      if (abs(1 - lr * q.lambda[i]) == rho) attained = std::max(attained, Real(abs(w1 - rho * w0)));
    }
    if (after > rho * rho * before + 4 * tr.tol[t] * (sqrt(before) + tr.tol[t])) return false;
    if (attained > tr.tol[t]) return false;
    const Real lemma = tr.excess[t] - lr * (1 - q.lambda.back() * lr / 2) * tr.grad2[t];
    if (tr.excess[t + 1] > lemma + tr.tol_excess[t]) return false;
    if (!(tr.excess[t + 1] < tr.excess[t]) && tr.grad2[t] * lr * (1 - q.lambda.back() * lr / 2) > 2 * tr.tol_excess[t])
      return false;
  }
  return true;
}

rc::Gen<double> below_bound() { return rc::gen::element(0.999, 0.99, 0.9, 0.75, 0.5, 0.1); }

RC_GTEST_PROP(StepSizeBound, EachEigencomponentScalesByOneMinusEtaLambda, ()) {
  ScopedPrecision precision(kBits);
  const Instance x = *instances();
  const Problem q = problem(x);
  const double c = *rc::gen::element(0.1, 0.5, 0.99, 1.0, 1.01, 1.1, 1.5);
  const double eta = static_cast<double>(c * 2 / q.lambda.back());
  RC_ASSERT(scales_exactly(q, run(q, eta, x.steps), eta));
}

RC_GTEST_PROP(StepSizeBound, BelowTwoOverLambdaMaxGradientDescentConvergesAtTheSpectralRate, ()) {
  ScopedPrecision precision(kBits);
  const Instance x = *instances();
  const Problem q = problem(x);
  const double eta = static_cast<double>(*below_bound() * 2 / q.lambda.back());
  RC_ASSERT(eta < 2 / q.lambda.back());
  RC_ASSERT(rate(q, eta) < 1);
  RC_ASSERT(converges(q, eta, x.steps));
}

RC_GTEST_PROP(StepSizeBound, AboveTwoOverLambdaMaxTheTopComponentGrows, ()) {
  ScopedPrecision precision(kBits);
  const Instance x = *instances();
  const Problem q = problem(x);
  const double c = *rc::gen::element(1.005, 1.01, 1.1, 1.5);
  const double eta = static_cast<double>(c * 2 / q.lambda.back());
  const Trajectory tr = run(q, eta, x.steps);
  RC_ASSERT(scales_exactly(q, tr, eta));
  const Real growth = Real(eta) * q.lambda.back() - 1;
  RC_ASSERT(growth > 1);
  for (std::size_t t = 0; t + 1 < tr.w.size(); ++t) RC_ASSERT(abs(tr.w[t + 1].back()) > abs(tr.w[t].back()));
}

RC_GTEST_PROP(StepSizeBound, TheBestConstantStepGivesKappaMinusOneOverKappaPlusOne, ()) {
  ScopedPrecision precision(kBits);
  const Instance x = *instances();
  const Problem q = problem(x);
  const Real lo = q.lambda.front(), hi = q.lambda.back();
  const double best = static_cast<double>(2 / (lo + hi));
  const Real kappa = hi / lo;
  const Real r = (kappa - 1) / (kappa + 1);
  // eta is the double nearest 2 / (lo + hi): rates within 2^-50 of the exact ones.
  const Real slack = two_to_minus(50);
  RC_ASSERT(abs(rate(q, best) - r) <= slack);
  const Trajectory tr = run(q, best, x.steps);
  RC_ASSERT(scales_exactly(q, tr, best));
  for (std::size_t t = 0; t + 1 < tr.w.size(); ++t) {
    // The extreme components scale by +r and -r.
    RC_ASSERT(abs(tr.w[t + 1].front() - r * tr.w[t].front()) <= tr.tol[t] + slack * abs(tr.w[t].front()));
    RC_ASSERT(abs(tr.w[t + 1].back() + r * tr.w[t].back()) <= tr.tol[t] + slack * abs(tr.w[t].back()));
  }
  // No other constant step does better.
  const double other = static_cast<double>(*rc::gen::element(0.1, 0.5, 0.9, 0.99, 1.01, 1.1) * best);
  RC_ASSERT(rate(q, other) >= r - slack);
}

RC_GTEST_PROP(StepSizeBound, BelowTwoOverLADescentLemmaHoldsOnANonQuadratic, ()) {
  // f(x) = sum sqrt(1 + x_i^2), grad x_i / sqrt(1 + x_i^2), L = 1.
  ScopedPrecision precision(kBits);
  const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 6);
  const double eta = *below_bound() * 2;
  const std::int64_t steps = *rc::gen::inRange<std::int64_t>(1, 13);
  spec::Sgd s;
  s.lr = eta;
  reference::RuleState<Real> st{
      catalog::gen::real_array({n}, *catalog::gen::values(n, catalog::gen::ordinary(catalog::Dtype::float32, -1, 1))),
      {},
      {},
      0};
  const auto f = [](const Array<Real>& x) {
    Real sum(0);
    for (const Real& v : x.values()) sum += sqrt(1 + v * v);
    return sum;
  };
  const Real lr(eta), nn(static_cast<double>(n));
  for (std::int64_t t = 0; t < steps; ++t) {
    const Array<Real> g = st.param.map<Real>([](const Real& v) { return Real(v / sqrt(1 + v * v)); });
    Real g2(0);
    for (const Real& v : g.values()) g2 += v * v;
    const Real before = f(st.param);
    const Real size = 1 + max_abs(st.param);
    reference::step(s, st, g);
    const Real after = f(st.param);
    const Real tol = two_to_minus(static_cast<int>(kBits) - 20) * nn * size;
    const Real decrease = lr * (1 - lr / 2) * g2;
    RC_ASSERT(after <= before - decrease + tol);
    if (decrease > 2 * tol) RC_ASSERT(after < before);
  }
}

// The broken claim: a step of 2.01 / lambda_max "converges". The top eigencomponent
// scales by 1 - 2.01 = -1.01 and grows at the first step, on every generic start.
TEST(StepSizeBound, AStepOf2Point01OverLambdaMaxFailsTheConvergenceCheck) {
  ScopedPrecision precision(kBits);
  constexpr int kCases = 100;
  EXPECT_EQ(failures(instances(), kCases,
                     [](const Instance& x) {
                       const Problem q = problem(x);
                       return converges(q, static_cast<double>(Real(2.01) / q.lambda.back()), x.steps);
                     }),
            kCases);
  EXPECT_EQ(failures(instances(), kCases,
                     [](const Instance& x) {
                       const Problem q = problem(x);
                       return converges(q, static_cast<double>(Real(1.98) / q.lambda.back()), x.steps);
                     }),
            0);
}

}  // namespace
}  // namespace gradref::properties::theorems
