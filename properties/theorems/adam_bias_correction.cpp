// Adam's bias correction is unbiased (issue 5, theorem 1). For i.i.d. gradients with
// elementwise mean mu and second moment s, from m_0 = v_0 = 0,
//   m_t = (1 - beta1) sum_{k<=t} beta1^(t-k) g_k,  so  E[m_t] = (1 - beta1^t) mu,
//   v_t = (1 - beta2) sum_{k<=t} beta2^(t-k) g_k^2, so  E[v_t] = (1 - beta2^t) s,
// by linearity alone (no independence needed), and the corrected moments
// m_hat_t = m_t / (1 - beta1^t), v_hat_t = v_t / (1 - beta2^t) have E = mu and s.
//
// Exact check (Real). The gradient takes one of k = 2 or 3 vectors with dyadic
// probabilities; every sequence of t <= 6 (k = 2) or 4 (k = 3) gradients is enumerated
// and run through reference::step for spec::Adam, and the probability-weighted sum
// of the states is the exact expectation. The raw moments are the state itself. The
// factors c1(t), c2(t) the rule under test divides m and v by are read off its own
// parameter updates (`corrections`), so a rule that forgets the correction, or
// applies another one, shows: E[m_t] / c1(t) must equal mu and E[v_t] / c2(t) s.
//
// Tolerance. Each m_t, v_t is a convex combination (weights summing to 1 - beta^t) of
// values bounded by G = max |x| (resp. G^2), computed with at most 3 t <= 18
// roundings of relative size 2^-kBits on values bounded the same way; the weighted
// sum of at most 81 runs adds at most 81 roundings more: the expectation is within
// 2^8 G 2^-kBits of exact, and the check allows 2^-(kBits - 16) G (resp. G^2). The
// probe's c1, c2 come out of at most 20 roundings on quantities of comparable size
// (v / c2 <= 1 is added to 1, no cancellation), so dividing by them adds a relative
// 2^-(kBits - 8); the corrected checks allow 2^-(kBits - 20) G / c.
//
// Monte-Carlo check (fast kernel, float32 and float64): see MonteCarloOnTheFastKernel.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <utility>

#include "gradref/catalog/generators.hpp"
#include "gradref/fast/rules/adam.hpp"
#include "gradref/reference/rules/adam.hpp"
#include "theorems/theorem_checks.hpp"

namespace gradref::properties::theorems {
namespace {

struct Instance {
  double beta1 = 0.9, beta2 = 0.999;
  std::vector<std::vector<double>> support;  ///< k vectors of n values
  std::vector<int> weights;                  ///< probabilities weights[j] / 16
  std::int64_t steps = 1;
};

rc::Gen<Instance> instances() {
  return rc::gen::exec([] {
    Instance x;
    x.beta1 = *rc::gen::element(0.9, 0.5, 0.99, 0.8, 0.0);
    x.beta2 = *rc::gen::element(0.999, 0.9, 0.5, 0.99);
    const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 4);
    const int k = *rc::gen::inRange(2, 4);
    int left = 16;
    for (int j = 0; j < k; ++j) {
      x.support.push_back(*catalog::gen::values(n, catalog::gen::ordinary(catalog::Dtype::float32, -1, 1)));
      const int w = j + 1 < k ? *rc::gen::inRange(1, 6) : left;  // at most 10 before the last: it gets >= 6
      x.weights.push_back(w);
      left -= w;
    }
    x.steps = *rc::gen::inRange<std::int64_t>(1, k == 2 ? 7 : 5);
    return x;
  });
}

/// The factors (c1, c2) the rule under `s` divides m and v by at its t-th update,
/// read off its parameter updates: one gradient 1 from a zero state with t - 1 steps
/// taken, theta = 0, lr = 1, eps inside the root at 0 and at 1. Then m = 1 - beta1,
/// v = 1 - beta2, d0 = (m / c1) / sqrt(v / c2), d1 = (m / c1) / sqrt(v / c2 + 1), so
/// c1 = m sqrt(1 / d1^2 - 1 / d0^2) and c2 = v (d0 c1 / m)^2.
std::pair<Real, Real> corrections(spec::Adam s, std::int64_t t) {
  s.lr = 1;
  s.eps_placement = spec::EpsPlacement::inside;
  s.eps_root = 0;
  s.weight_decay = 0;
  s.amsgrad = false;
  s.maximize = false;
  const auto delta = [&s, t](double eps) {
    s.eps = eps;
    reference::RuleState<Real> st{Array<Real>(Shape{1}, Real(0)),
                                  {Array<Real>(Shape{1}, Real(0)), Array<Real>(Shape{1}, Real(0))},
                                  {},
                                  t - 1};
    reference::step(s, st, Array<Real>(Shape{1}, Real(1)));
    return Real(-st.param[0]);
  };
  const Real d0 = delta(0.0), d1 = delta(1.0);
  const Real m = 1 - Real(s.beta1), v = 1 - Real(s.beta2);
  const Real c1 = m * sqrt(1 / (d1 * d1) - 1 / (d0 * d0));
  const Real r = d0 * c1 / m;
  return {c1, v * r * r};
}

/// E[m_t] and E[v_t], t = 1..steps ([t - 1][i]), by enumerating every gradient sequence.
struct Moments {
  std::vector<std::vector<Real>> m, v;
};

void visit(const Instance& x, const spec::Adam& s, const std::vector<Array<Real>>& support,
           const reference::RuleState<Real>& st, const Real& weight, std::size_t depth, Moments& out) {
  for (std::size_t j = 0; j < support.size(); ++j) {
    reference::RuleState<Real> next = st;
    reference::step(s, next, support[j]);
    const Real w = weight * x.weights[j] / 16;  // dyadic: exact
    for (std::size_t i = 0; i < out.m[depth].size(); ++i) {
      out.m[depth][i] += w * next.slots[0][static_cast<std::int64_t>(i)];
      out.v[depth][i] += w * next.slots[1][static_cast<std::int64_t>(i)];
    }
    if (static_cast<std::int64_t>(depth) + 1 < x.steps) visit(x, s, support, next, w, depth + 1, out);
  }
}

/// Whether the rule under `rule` (its betas replaced by x's) has unbiased corrected
/// moments, and raw moments with expectation (1 - beta^t) times mu and s, for every t.
bool unbiased(const Instance& x, spec::Adam rule) {
  rule.beta1 = x.beta1;
  rule.beta2 = x.beta2;
  rule.weight_decay = 0;
  rule.amsgrad = false;
  rule.maximize = false;
  const std::size_t n = x.support[0].size();
  std::vector<Array<Real>> support;
  for (const auto& values : x.support)
    support.push_back(catalog::gen::real_array({static_cast<std::int64_t>(n)}, values));
  std::vector<Real> mu(n, Real(0)), s(n, Real(0));
  Real g_max(0);
  for (std::size_t j = 0; j < support.size(); ++j)
    for (std::size_t i = 0; i < n; ++i) {
      const Real& g = support[j][static_cast<std::int64_t>(i)];
      mu[i] += Real(x.weights[j]) / 16 * g;
      s[i] += Real(x.weights[j]) / 16 * g * g;
      g_max = std::max(g_max, Real(abs(g)));
    }
  const auto steps = static_cast<std::size_t>(x.steps);
  Moments e{std::vector<std::vector<Real>>(steps, std::vector<Real>(n, Real(0))),
            std::vector<std::vector<Real>>(steps, std::vector<Real>(n, Real(0)))};
  const auto zeros = Array<Real>(Shape{static_cast<std::int64_t>(n)}, Real(0));
  visit(x, rule, support, reference::RuleState<Real>{zeros, {zeros, zeros}, {}, 0}, Real(1), 0, e);

  const Real tol_m = two_to_minus(static_cast<int>(kBits) - 16) * g_max;
  const Real tol_v = tol_m * g_max;
  for (std::size_t k = 0; k < steps; ++k) {
    const int t = static_cast<int>(k) + 1;
    const Real kept1 = 1 - pow(Real(x.beta1), t), kept2 = 1 - pow(Real(x.beta2), t);
    const auto [c1, c2] = corrections(rule, t);
    for (std::size_t i = 0; i < n; ++i) {
      if (abs(e.m[k][i] - kept1 * mu[i]) > tol_m) return false;
      if (abs(e.v[k][i] - kept2 * s[i]) > tol_v) return false;
      if (abs(e.m[k][i] / c1 - mu[i]) > 16 * tol_m / c1) return false;
      if (abs(e.v[k][i] / c2 - s[i]) > 16 * tol_v / c2) return false;
    }
  }
  return true;
}

RC_GTEST_PROP(AdamBiasCorrection, CorrectedMomentsAreUnbiasedExactly, ()) {
  ScopedPrecision precision(kBits);
  spec::Adam rule;  // PyTorch's Adam: bias correction with the current step
  rule.eps_placement = *rc::gen::element(spec::EpsPlacement::outside, spec::EpsPlacement::inside,
                                         spec::EpsPlacement::eps_hat);
  RC_ASSERT(unbiased(*instances(), rule));
}

// The broken rule: Adam with bias_correction = false divides by 1, so its estimates
// have expectation (1 - beta^t) mu and (1 - beta^t) s; the check fails on every case
// (some support value is nonzero, so s > 0). ONNX's convention (the correction of
// the previous step, none at the first update) is biased too, by the factor
// (1 - beta^t) / (1 - beta^(t-1)): a documented property of that convention.
TEST(AdamBiasCorrection, FailsWithoutTheCorrectionAndWithThePreviousStepsCorrection) {
  ScopedPrecision precision(kBits);
  constexpr int kCases = 100;
  const rc::Gen<Instance> gen = rc::gen::suchThat(instances(), [](const Instance& x) {
    for (const auto& values : x.support)
      for (double g : values)
        if (g != 0) return x.beta2 != 0;
    return false;
  });
  spec::Adam uncorrected;
  uncorrected.bias_correction = false;
  spec::Adam previous;
  previous.bias_correction_step = spec::BiasCorrectionStep::previous;
  EXPECT_EQ(failures(gen, kCases, [&](const Instance& x) { return unbiased(x, uncorrected); }), kCases);
  EXPECT_EQ(failures(gen, kCases, [&](const Instance& x) { return unbiased(x, previous); }), kCases);
  EXPECT_EQ(failures(gen, kCases, [](const Instance& x) { return unbiased(x, spec::Adam{}); }), 0);
}

// Monte-Carlo check on the fast kernel. N = 2^20 elements, each its own i.i.d.
// gradient sequence, steps t = 1..5, g in {-1, 0.5, 2} with probabilities
// (1/4, 1/4, 1/2): mu = 0.875, s = 2.3125. Per element the estimates are read off
// the kernel's parameter update (theta reset to 0 before each step, lr = 1):
//   m_hat: eps inside the root, eps = 2^40: the update is m_hat / sqrt(v_hat + 2^40),
//          so 2^20 * update = m_hat (1 + O(v_hat / 2^41)), v_hat <= 4;
//   v_hat: beta1 = 0 (m_hat = g), eps = 0 outside: the update is g / sqrt(v_hat), so
//          (g / update)^2 = v_hat.
// m_hat and v_hat are convex combinations of the element's gradients (resp. their
// squares), so each lies in [-1, 2] (width 3), resp. [0.25, 4] (width 3.75), and the
// elements are independent. Hoeffding: P(|mean - E| >= eps) <= 2 exp(-2 N eps^2 / w^2).
// With 10 checks per kernel (2 estimates, 5 steps) and a failure probability of 1e-9
// in all, eps = w sqrt(ln(2 10 / 1e-9) / (2 N)) = 3.4e-3 w: 0.0101 for m_hat and
// 0.0126 for v_hat. Each estimate is computed by the kernel to a relative 2^-20 at
// worst in float32 (a dozen roundings of 2^-24, the square doubling them), which adds
// at most 2^-20 * 4 to a mean; the check allows eps + 2^-16 * 4. Without the
// correction the means are (1 - 0.9^t) mu (off by 0.52 or more) and (1 - 0.999^t) s
// (off by 2.3): far outside. A fixed seed makes the test deterministic; the bound
// says a correct kernel passes for all but a 1e-9 fraction of seeds.
template <class T>
bool monte_carlo_unbiased(const spec::Adam& rule, std::uint64_t seed, const char* label) {
  constexpr std::size_t kN = std::size_t{1} << 20;
  constexpr int kSteps = 5;
  constexpr double kMu = 0.875, kS = 2.3125;
  const double spread = std::sqrt(std::log(2 * 10 / 1e-9) / (2.0 * static_cast<double>(kN)));
  const double slack = std::ldexp(4.0, -16);
  spec::Adam m_rule = rule, v_rule = rule;
  m_rule.lr = v_rule.lr = 1;
  m_rule.beta1 = 0.9;
  m_rule.beta2 = v_rule.beta2 = 0.999;
  m_rule.eps_placement = spec::EpsPlacement::inside;
  m_rule.eps = std::ldexp(1.0, 40);
  v_rule.beta1 = 0;
  v_rule.eps_placement = spec::EpsPlacement::outside;
  v_rule.eps = 0;

  std::mt19937_64 rng(seed);
  std::vector<T> g(kN), param(kN);
  std::vector<T> m1(kN, T(0)), v1(kN, T(0)), m2(kN, T(0)), v2(kN, T(0));
  bool ok = true;
  for (int t = 1; t <= kSteps; ++t) {
    for (T& x : g) {
      const std::uint64_t u = rng() % 4;
      x = u == 0 ? T(-1) : u == 1 ? T(0.5) : T(2);
    }
    const auto run = [&](const spec::Adam& s, std::vector<T>& m, std::vector<T>& v) {
      std::fill(param.begin(), param.end(), T(0));
      fast::RuleBuffers<T> b{param, g, {}, {}, t - 1};
      b.slots.push_back(m);
      b.slots.push_back(v);
      fast::step(s, b);
    };
    run(m_rule, m1, v1);
    double m_mean = 0;
    for (std::size_t i = 0; i < kN; ++i) m_mean += -static_cast<double>(param[i]) * std::ldexp(1.0, 20);
    m_mean /= static_cast<double>(kN);
    run(v_rule, m2, v2);
    double v_mean = 0;
    for (std::size_t i = 0; i < kN; ++i) {
      const double r = static_cast<double>(g[i]) / -static_cast<double>(param[i]);
      v_mean += r * r;
    }
    v_mean /= static_cast<double>(kN);
    const bool m_ok = std::abs(m_mean - kMu) <= 3 * spread + slack;
    const bool v_ok = std::abs(v_mean - kS) <= 3.75 * spread + slack;
    std::cout << "  " << label << " [" << (sizeof(T) == 4 ? "float32" : "float64") << "] t=" << t << " mean m_hat " << m_mean << " (mu " << kMu << ", bound " << 3 * spread + slack
              << "), mean v_hat " << v_mean << " (s " << kS << ", bound " << 3.75 * spread + slack << ")\n";
    ok = ok && m_ok && v_ok;
  }
  return ok;
}

TEST(AdamBiasCorrection, MonteCarloOnTheFastKernel) {
  constexpr std::uint64_t kSeed = 20261129;
  spec::Adam adam;
  EXPECT_TRUE(monte_carlo_unbiased<float>(adam, kSeed, "adam"));
  EXPECT_TRUE(monte_carlo_unbiased<double>(adam, kSeed, "adam"));
  spec::Adam uncorrected;
  uncorrected.bias_correction = false;
  EXPECT_FALSE(monte_carlo_unbiased<float>(uncorrected, kSeed, "no bias correction"));
  EXPECT_FALSE(monte_carlo_unbiased<double>(uncorrected, kSeed, "no bias correction"));
}

}  // namespace
}  // namespace gradref::properties::theorems
