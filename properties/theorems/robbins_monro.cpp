// Robbins-Monro, checked in Real:
//  1. the analytic classification of every schedule (spec::robbins_monro: does
//     sum eta_t diverge, does sum eta_t^2 converge) agrees with its partial sums;
//  2. SGD (reference::step on spec::Sgd) on L(theta) = lambda/2 theta^2 with additive
//     gradient noise xi of mean 0 and variance sigma^2 has exactly the mean-square
//     recursion m_{t+1} = (1 - eta_t lambda)^2 m_t + eta_t^2 sigma^2 (m_t = E[theta_t^2]),
//     shown by enumerating every noise path of a discrete distribution;
//  3. under a Robbins-Monro schedule the recursion's m_t vanishes; under a constant
//     step eta (0 < eta lambda < 2) it settles at eta sigma^2 / (lambda (2 - eta lambda)).
// Each check is a function of the classifier or schedule under test, so the same
// check is shown to fail on broken ones (a classifier calling p = 0.4 Robbins-Monro;
// schedules whose error does not vanish: p = 2, constant).
//
// Partial-sum criterion (1). Write S(N) for the partial sum of a_t (eta_t or eta_t^2) over
// t < N and B_j = S(2^(j+1)) - S(2^j) for its dyadic blocks; by Cauchy condensation
// (a_t eventually monotone, or periodic) sum a_t converges iff the B_j are summable.
// Past a family's time scale (b, decay_steps / k, step_size, period, warmup: all <= 10
// in the generator below, so far below 2^8) the blocks behave as C rho^j with
//   rho = 2^(1 - q)  for a_t ~ t^-q (polynomial: q = p or 2p; inverse time: q = 1 or 2),
//   rho ~ 0          for geometric decay (step, exponential with gamma < 1; a held floor of 0),
//   rho ~ 2          for a_t bounded away from 0 on a fixed fraction of every block
//                    (constant, gamma = 1, a floor > 0, cosine cycles no longer than the block).
// We compute B_8 and B_12 exactly (every term, 4352 of them) and rho_hat = (B_12 / B_8)^(1/4).
// For q = 1 the blocks of 1/(t + c) tend to log 2 (from above for c < 1/2, from below
// otherwise), so rho_hat is 1 to within 0.2% (c <= 100: offsets b, or d / k for inverse
// time); every other q the generator draws is <= 0.8 (rho >= 1.15) or >= 1.2 (rho <=
// 2^-0.2 = 0.871; an offset moves B_8 by at most a factor (1 + 10/256)^q, rho_hat by under
// 1%). Measured extremes: 0.9989 (q = 1, inverse time, offset 1/3) and 0.877 (q = 1.2,
// b = 10). The series is declared convergent iff rho_hat < 0.95, between the two regimes.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gradref/catalog/spec_json.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/sgd.hpp"
#include "gradref/reference/schedules/schedule.hpp"

namespace gradref::properties {
namespace {

using spec::Schedule;
using spec::ScheduleFamily;
using Classifier = std::function<spec::RobbinsMonro(const Schedule&)>;

constexpr unsigned kBits = 128;

/// eta_t for t in [lo, hi).
std::vector<Real> etas(const Schedule& s, std::int64_t lo, std::int64_t hi) {
  std::vector<Real> t;
  for (std::int64_t i = lo; i < hi; ++i) t.push_back(Real(static_cast<double>(i)));
  return reference::schedule(s, Array<Real>(Shape{hi - lo}, std::move(t))).eta.values();
}

/// Sum of a_t = eta_t^power over t in [2^j, 2^(j+1)).
Real block(const Schedule& s, int j, int power) {
  Real total = 0;
  for (const Real& e : etas(s, std::int64_t{1} << j, std::int64_t{2} << j)) total += power == 1 ? e : e * e;
  return total;
}

/// Whether the partial sums of eta_t^power converge, by the criterion above.
bool partial_sums_converge(const Schedule& s, int power) {
  const Real late = block(s, 12, power), early = block(s, 8, power);
  if (late == 0) return true;  // a floor of 0 reached
  return pow(late / early, Real(0.25)) < Real(0.95);
}

bool classification_agrees(const Schedule& s, const Classifier& classify) {
  ScopedPrecision precision(kBits);
  const spec::RobbinsMonro claimed = classify(s);
  return claimed.sum_diverges == !partial_sums_converge(s, 1) && claimed.squares_converge == partial_sums_converge(s, 2);
}

/// Schedules of every family with time scales <= 10 and powers away from (1, 1.2).
rc::Gen<Schedule> schedules() {
  return rc::gen::exec([] {
    Schedule s;
    s.family = *rc::gen::element(ScheduleFamily::constant, ScheduleFamily::step, ScheduleFamily::exponential,
                                 ScheduleFamily::inverse_time, ScheduleFamily::polynomial, ScheduleFamily::cosine);
    s.eta0 = *rc::gen::element(0.1, 1.0, 0.5, 3.0);
    s.gamma = *rc::gen::element(0.1, 0.5, 0.9, 1.0);
    s.step_size = *rc::gen::inRange<std::int64_t>(1, 11);
    s.decay_steps = *rc::gen::inRange<std::int64_t>(1, 11);
    s.staircase = *rc::gen::arbitrary<bool>();
    s.k = *rc::gen::element(0.1, 0.5, 1.0, 3.0);
    s.b = *rc::gen::element(0.5, 1.0, 2.0, 10.0);
    s.p = *rc::gen::element(0.0, 0.3, 0.4, 0.5, 0.6, 0.75, 1.0, 1.25, 1.5, 2.0);
    s.period = *rc::gen::inRange<std::int64_t>(1, 11);
    s.restarts = *rc::gen::arbitrary<bool>();
    s.t_mult = *rc::gen::element<std::int64_t>(1, 2);
    s.after_period = *rc::gen::element(spec::AfterPeriod::periodic, spec::AfterPeriod::hold);
    s.floor = *rc::gen::element(spec::CosineFloor::eta_min, spec::CosineFloor::alpha);
    s.eta_min = *rc::gen::element(0.0, 0.01);
    s.alpha = *rc::gen::element(0.0, 0.1);
    s.warmup_steps = *rc::gen::element<std::int64_t>(0, 0, 5, 10);
    s.warmup_start_factor = *rc::gen::element(0.0, 0.5);
    s.warmup_composition = *rc::gen::element(spec::WarmupComposition::sequential, spec::WarmupComposition::multiply);
    return s;
  });
}

std::string describe(const Schedule& s) { return catalog::spec_to_json(s).dump(); }

/// How many of `count` cases drawn from `gen` (seeded, size 1 + i % 100) fail `holds`;
/// the first failure is described in `first`. Silent: the same check runs on broken
/// rules, where failures are expected. The costly properties (a few thousand Real
/// schedule values per case) use it with a fixed count instead of RC_PARAMS' 300.
template <class C>
int failures(const rc::Gen<C>& gen, int count, std::uint64_t seed, const std::function<bool(const C&)>& holds,
             std::string* first = nullptr) {
  int failed = 0;
  for (int i = 0; i < count; ++i) {
    const C c = gen(rc::Random(seed + static_cast<std::uint64_t>(i)), 1 + i % 100).value();
    if (!holds(c) && failed++ == 0 && first) *first = describe(c);
  }
  return failed;
}

constexpr int kCostlyCases = 40;

TEST(RobbinsMonro, ClassificationAgreesWithPartialSums) {
  std::string first;
  const std::function<bool(const Schedule&)> agrees = [](const Schedule& s) {
    return classification_agrees(s, spec::robbins_monro);
  };
  EXPECT_EQ(failures(schedules(), kCostlyCases, 7000, agrees, &first), 0) << first;
}

TEST(RobbinsMonro, PowerPointFourIsNotRobbinsMonro) {
  Schedule s;
  s.family = ScheduleFamily::polynomial;
  s.p = 0.4;
  const spec::RobbinsMonro r = spec::robbins_monro(s);
  EXPECT_TRUE(r.sum_diverges);
  EXPECT_FALSE(r.squares_converge);
  EXPECT_FALSE(spec::satisfies_robbins_monro(s));
  EXPECT_TRUE(classification_agrees(s, spec::robbins_monro));
}

// A broken classifier that takes 0 < p <= 1 for Robbins-Monro (p = 0.4 included).
TEST(RobbinsMonro, PartialSumsRejectABrokenClassifier) {
  const Classifier broken = [](const Schedule& s) {
    spec::RobbinsMonro r = spec::robbins_monro(s);
    if (s.family == ScheduleFamily::polynomial && s.p > 0) r.squares_converge = true;
    return r;
  };
  Schedule s;
  s.family = ScheduleFamily::polynomial;
  s.p = 0.4;
  EXPECT_FALSE(classification_agrees(s, broken));
  const rc::Gen<Schedule> polynomials = rc::gen::map(schedules(), [](Schedule x) {
    x.family = ScheduleFamily::polynomial;
    return x;
  });
  const std::function<bool(const Schedule&)> agrees = [&broken](const Schedule& x) {
    return classification_agrees(x, broken);
  };
  EXPECT_GT(failures(polynomials, 20, 7000, agrees), 0);
}

// --- 2. The exact mean-square recursion ---------------------------------------------------
//
// Tolerance. Every path takes K <= 5 steps, each 4 roundings at kExactBits (relative
// 2^-kExactBits) on values below M = |theta0| + K max(lr) (lambda M + a), with
// |1 - lr lambda| <= 1; probabilities are products of K exact doubles, rounded K times.
// So each path's theta_K^2 P is within 16 K 2^-kExactBits (M + a)^2 P of its exact value,
// and E[theta_K^2] within 2^-(kExactBits - 10) (M + a)^2; the check uses 2^-(kExactBits - 40)
// (1 + theta0 + a)^2 4^K. A recursion without the square, or without eta^2, is off by
// O(eta lambda m) or O(eta sigma^2), above 2^-30 for every drawn case.

constexpr unsigned kExactBits = 256;

/// Symmetric discrete noise: -a, 0, a with probabilities w, 1 - 2w, w (w in (0, 1/2]):
/// mean 0, variance sigma^2 = 2 w a^2.
struct Noise {
  double a, w;
  Real variance() const { return 2 * Real(w) * Real(a) * Real(a); }
};

/// m[t] = E[theta_t^2] over every noise path, each path stepped by reference::step
/// (spec::Sgd, lr = lrs[t]) on the gradient lambda theta + xi of lambda/2 theta^2.
void descend(const std::vector<double>& lrs, const Real& lambda, const Noise& noise, std::size_t t,
             const reference::RuleState<Real>& st, const Real& prob, std::vector<Real>& m) {
  m[t] += prob * st.param[0] * st.param[0];
  if (t == lrs.size()) return;
  const Real values[3] = {-Real(noise.a), Real(0), Real(noise.a)};
  const Real probs[3] = {Real(noise.w), 1 - 2 * Real(noise.w), Real(noise.w)};
  spec::Sgd sgd;
  sgd.lr = lrs[t];
  for (int k = 0; k < 3; ++k) {
    if (probs[k] == 0) continue;
    reference::RuleState<Real> next = st;
    reference::step(sgd, next, Array<Real>(Shape{1}, lambda * st.param[0] + values[k]));
    descend(lrs, lambda, noise, t + 1, next, prob * probs[k], m);
  }
}

/// m_{t+1} from m_t, eta_t, lambda and sigma^2.
using Recursion = std::function<Real(const Real& m, const Real& eta, const Real& lambda, const Real& sigma2)>;

Real exact_recursion(const Real& m, const Real& eta, const Real& lambda, const Real& sigma2) {
  const Real c = 1 - eta * lambda;
  return c * c * m + eta * eta * sigma2;
}

struct NoisyQuadratic {
  Schedule schedule;
  double lambda, theta0;
  Noise noise;
  std::size_t steps;
};

std::string describe(const NoisyQuadratic& q) {
  return describe(q.schedule) + " lambda " + std::to_string(q.lambda) + " theta0 " + std::to_string(q.theta0) +
         " noise a " + std::to_string(q.noise.a) + " w " + std::to_string(q.noise.w);
}

rc::Gen<NoisyQuadratic> noisy_quadratics() {
  return rc::gen::exec([] {
    NoisyQuadratic q;
    q.schedule = *schedules();
    q.lambda = *rc::gen::element(0.5, 1.0, 2.0, 0.25);
    q.theta0 = *rc::gen::element(0.0, 1.0, -3.0, 0.5);
    q.noise = {*rc::gen::element(0.5, 1.0, 2.0, 0.1), *rc::gen::element(0.5, 0.25, 0.125, 0.375)};
    q.steps = *rc::gen::inRange<std::size_t>(1, 6);
    return q;
  });
}

/// Whether the enumerated E[theta_t^2] follows `recursion` for every t <= steps.
bool recursion_holds(const NoisyQuadratic& q, const Recursion& recursion) {
  ScopedPrecision precision(kExactBits);
  std::vector<double> lrs;
  for (const Real& e : etas(q.schedule, 0, static_cast<std::int64_t>(q.steps)))
    lrs.push_back(std::min(e.convert_to<double>(), 2.0 / q.lambda));  // |1 - lr lambda| <= 1
  const Real lambda(q.lambda);
  std::vector<Real> m(q.steps + 1, Real(0));
  reference::RuleState<Real> start{Array<Real>(Shape{1}, Real(q.theta0)), {}, {}, 0};
  descend(lrs, lambda, q.noise, 0, start, Real(1), m);
  const Real scale = pow(1 + abs(Real(q.theta0)) + Real(q.noise.a), 2) * pow(Real(4), static_cast<int>(q.steps));
  const Real tolerance = scale * pow(Real(2), -static_cast<int>(kExactBits - 40));
  Real predicted = Real(q.theta0) * Real(q.theta0);
  for (std::size_t t = 0; t <= q.steps; ++t) {
    if (abs(m[t] - predicted) > tolerance) return false;
    if (t < q.steps) predicted = recursion(predicted, Real(lrs[t]), lambda, q.noise.variance());
  }
  return true;
}

RC_GTEST_PROP(RobbinsMonro, SgdMeanSquareErrorFollowsTheExactRecursion, ()) {
  RC_ASSERT(recursion_holds(*noisy_quadratics(), exact_recursion));
}

TEST(RobbinsMonro, EnumerationRejectsARecursionWithoutTheSquare) {
  const Recursion unsquared = [](const Real& m, const Real& eta, const Real& lambda, const Real& sigma2) {
    return (1 - eta * lambda) * m + eta * eta * sigma2;
  };
  const Recursion linear_noise = [](const Real& m, const Real& eta, const Real& lambda, const Real& sigma2) {
    const Real c = 1 - eta * lambda;
    return c * c * m + eta * sigma2;
  };
  const auto count = [](const Recursion& r) {
    const std::function<bool(const NoisyQuadratic&)> holds = [&r](const NoisyQuadratic& q) { return recursion_holds(q, r); };
    return failures(noisy_quadratics(), 20, 9000, holds);
  };
  EXPECT_GT(count(unsquared), 0);
  EXPECT_GT(count(linear_noise), 0);
}

// --- 3. Where the recursion goes -------------------------------------------------------
//
// m_t from m_0 under the exact recursion, for t < 2^13, in Real. Under a Robbins-Monro
// schedule with eta_t lambda -> 0, sum eta_t lambda = inf and eta_t^2 sigma^2 / (eta_t lambda)
// -> 0, m_t -> 0 (the standard lemma: m_{t+1} <= (1 - a_t) m_t + b_t with sum a_t = inf,
// b_t / a_t -> 0). The drawn schedules (eta0 lambda in [0.5, 1.5], power 1/2 < p <= 1,
// or inverse time) have m_t ~ eta_t sigma^2 / (2 lambda), or ~ log t / t at p = 1, once
// t is past the relaxation time 1 / (2 eta_t lambda) (under 50 steps at t = 2^9), so m
// falls by 16^-p (x 13/9 at p = 1) <= 0.25 from t = 2^9 to 2^13; the check asks for a
// factor 1/2 (a double-precision sweep of the drawn parameters gave at most 0.35, at p = 0.4). A schedule whose sum converges (p = 2) keeps m nearly constant
// (ratio near 1), as does a constant step (the floor). Caveat, contrary to issue 5's
// wording: eta_0 / (t + b)^0.4 is not Robbins-Monro (sum eta_t^2 = inf), yet its m_t
// does vanish (only eta_t -> 0 and sum eta_t = inf are needed here), at the rate t^-0.4;
// the test says so.
//
// Constant step: m_t = F + (1 - eta lambda)^(2t) (m_0 - F), F = eta sigma^2 / (lambda (2 - eta
// lambda)); with |1 - eta lambda| <= 0.95, after 2^13 steps the transient is below e^-840
// (m_0 + F); recursion roundings at kBits stay within 2^-(kBits - 30) (m_0 + F)
// (each step multiplies the accumulated error by (1 - eta lambda)^2 <= 0.9025 and adds
// 4 roundings). The check uses 2^-(kBits - 40).

constexpr std::int64_t kLong = std::int64_t{1} << 13;

std::vector<Real> mse_trajectory(const Schedule& s, const Real& lambda, const Real& sigma2, const Real& m0) {
  const std::vector<Real> eta = etas(s, 0, kLong);
  std::vector<Real> m{m0};
  for (const Real& e : eta) m.push_back(exact_recursion(m.back(), e, lambda, sigma2));
  return m;
}

struct LongRun {
  Schedule schedule;
  double lambda, sigma2, m0;
};

std::string describe(const LongRun& r) {
  return describe(r.schedule) + " lambda " + std::to_string(r.lambda) + " sigma2 " + std::to_string(r.sigma2) +
         " m0 " + std::to_string(r.m0);
}

/// Schedules satisfying Robbins-Monro with eta0 lambda in [0.5, 1.5].
rc::Gen<LongRun> robbins_monro_runs() {
  return rc::gen::exec([] {
    LongRun r;
    r.lambda = *rc::gen::element(0.5, 1.0, 2.0);
    r.sigma2 = *rc::gen::element(0.01, 1.0, 4.0);
    r.m0 = *rc::gen::element(0.0, 1.0, 100.0);
    Schedule& s = r.schedule;
    s.eta0 = *rc::gen::element(0.5, 1.0, 1.5) / r.lambda;
    if (*rc::gen::arbitrary<bool>()) {
      s.family = ScheduleFamily::polynomial;
      s.p = *rc::gen::element(0.51, 0.6, 0.75, 1.0);
      s.b = *rc::gen::element(1.0, 2.0, 10.0);
    } else {
      s.family = ScheduleFamily::inverse_time;
      s.k = *rc::gen::element(0.5, 1.0);
      s.decay_steps = *rc::gen::element<std::int64_t>(1, 2, 5);
      s.staircase = *rc::gen::arbitrary<bool>();
    }
    s.warmup_steps = *rc::gen::element<std::int64_t>(0, 5);
    return r;
  });
}

/// m_t vanishes: it falls by at least half from t = 2^9 to 2^13.
bool error_vanishes(const LongRun& r) {
  ScopedPrecision precision(kBits);
  const std::vector<Real> m = mse_trajectory(r.schedule, Real(r.lambda), Real(r.sigma2), Real(r.m0));
  return m[static_cast<std::size_t>(kLong)] <= m[std::size_t{1} << 9] / 2;
}

TEST(RobbinsMonro, ErrorVanishesUnderARobbinsMonroSchedule) {
  std::string first;
  const std::function<bool(const LongRun&)> vanishes = [](const LongRun& r) {
    return spec::satisfies_robbins_monro(r.schedule) && error_vanishes(r);
  };
  EXPECT_EQ(failures(robbins_monro_runs(), kCostlyCases, 11000, vanishes, &first), 0) << first;
}

TEST(RobbinsMonro, ErrorDoesNotVanishWhereTheSumConvergesOrTheStepIsConstant) {
  const auto with = [](ScheduleFamily family, double p) {
    return rc::gen::map(robbins_monro_runs(), [family, p](LongRun r) {
      r.schedule.family = family;
      r.schedule.p = p;
      return r;
    });
  };
  const std::function<bool(const LongRun&)> vanishes = error_vanishes;
  const auto vanishing = [&vanishes](const rc::Gen<LongRun>& gen) { return 10 - failures(gen, 10, 11000, vanishes); };
  EXPECT_EQ(vanishing(with(ScheduleFamily::polynomial, 2.0)), 0);  // sum eta_t < inf: not Robbins-Monro
  EXPECT_EQ(vanishing(with(ScheduleFamily::constant, 1.0)), 0);    // sum eta_t^2 = inf: not Robbins-Monro
  // p = 0.4 is not Robbins-Monro either, but here its error still vanishes (see above).
  EXPECT_EQ(vanishing(with(ScheduleFamily::polynomial, 0.4)), 10);
}

/// The floor a constant step settles at.
using Floor = std::function<Real(const Real& eta, const Real& lambda, const Real& sigma2)>;

Real exact_floor(const Real& eta, const Real& lambda, const Real& sigma2) {
  return eta * sigma2 / (lambda * (2 - eta * lambda));
}

rc::Gen<LongRun> constant_runs() {
  return rc::gen::exec([] {
    LongRun r;
    r.lambda = *rc::gen::element(0.5, 1.0, 2.0);
    r.sigma2 = *rc::gen::element(0.01, 1.0, 4.0);
    r.m0 = *rc::gen::element(0.0, 1.0, 100.0);
    r.schedule.family = ScheduleFamily::constant;
    r.schedule.eta0 = *rc::gen::element(0.05, 0.5, 1.0, 1.5, 1.9) / r.lambda;
    r.schedule.warmup_steps = *rc::gen::element<std::int64_t>(0, 5);
    return r;
  });
}

bool settles_at(const LongRun& r, const Floor& fixed_point) {
  ScopedPrecision precision(kBits);
  const Real lambda(r.lambda), sigma2(r.sigma2);
  const std::vector<Real> m = mse_trajectory(r.schedule, lambda, sigma2, Real(r.m0));
  const Real f = fixed_point(Real(r.schedule.eta0), lambda, sigma2);
  return abs(m[static_cast<std::size_t>(kLong)] - f) <= (Real(r.m0) + f) * pow(Real(2), -static_cast<int>(kBits - 40));
}

TEST(RobbinsMonro, ConstantStepSettlesAtTheFloor) {
  std::string first;
  const std::function<bool(const LongRun&)> settles = [](const LongRun& r) {
    return !spec::satisfies_robbins_monro(r.schedule) && settles_at(r, exact_floor);
  };
  EXPECT_EQ(failures(constant_runs(), kCostlyCases, 13000, settles, &first), 0) << first;
}

// The small-step approximation eta sigma^2 / (2 lambda) is not the floor.
TEST(RobbinsMonro, FloorCheckRejectsTheSmallStepApproximation) {
  const Floor approximate = [](const Real& eta, const Real& lambda, const Real& sigma2) {
    return eta * sigma2 / (2 * lambda);
  };
  const std::function<bool(const LongRun&)> settles = [&approximate](const LongRun& r) { return settles_at(r, approximate); };
  EXPECT_GT(failures(constant_runs(), 10, 13000, settles), 0);
}

}  // namespace
}  // namespace gradref::properties
