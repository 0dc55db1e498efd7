// Theorem 7, line searches, checked in Real on the catalog's own cases:
//  1. the exact step eta = -d^T (A theta + b) / (d^T A d) zeroes the directional
//     derivative: phi'(eta) = d^T grad L(theta + eta d) = d^T (A (theta + eta d) + b) = 0;
//  2. Armijo's returned step satisfies L(theta + eta d) <= L(theta) + c eta d^T g and is
//     the first of eta0, shrink eta0, shrink^2 eta0, ... that does; its backtrack count
//     is its index in that sequence.
// Each check is a function of the line search under test; deliberately broken ones
// (the step with the wrong sign or without d^T A d; Armijo skipping eta0, shrinking
// once too often, or accepting any decrease) must fail it on some drawn case.
//
// Tolerances. At p = kBits every Real operation rounds with relative error at most
// u = 2^-p. num = d^T (A theta + b) and den = d^T A d are sums of at most 2n + 1
// rounded products, so each is within (2n + 2) u of its magnitude sum
// M_num = sum_i |d_i| (sum_j |A_ij| |theta_j| + |b_i|), M_den = sum_ij |d_i| |A_ij| |d_j|;
// eta = -num / den adds one rounding. Evaluating phi'(eta) again (x = theta + eta d
// rounded, then the same sums) errs by at most (2n + 4) u (M_num + |eta| M_den). So
// |phi'(eta)| <= 4 (2n + 4) u (M_num + |eta| M_den) for the exact step; a wrong sign
// leaves phi' = 2 num, a missing d^T A d leaves num (1 - den / d^T d): of the size of
// M_num itself on generic cases.
// For Armijo, the steps eta0 shrink^k are formed by k roundings (relative error
// (k + 1) u), and L(theta + eta d) - L(theta) - c eta d^T g is evaluated to within
// u times a few hundred times the magnitudes of its terms (objectives of at most 8 x 5
// data, each term a handful of roundings): the check allows 2^-(p - 16) relative to
// |L(theta + eta d)| + |L(theta)| + |c eta d^T g|. The catalog's generator draws no
// case whose decisions lie within float64 rounding (2^-53) of a tie, so the test sits
// 2^180 away from both sides.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <functional>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/reference/line_search.hpp"
#include "gradref/reference/objectives/test_objectives.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 256;
constexpr int kBrokenCases = 100;

Real unit() { return pow(Real(2), -static_cast<int>(kBits)); }

/// A case of `op` from the catalog's generator, float32 or float64 by `seed`, at a fixed seed.
catalog::Case drawn(const char* op, int seed) {
  const auto dtype = seed % 2 ? catalog::Dtype::float32 : catalog::Dtype::float64;
  return catalog::find(op).generator(dtype)(rc::Random(static_cast<std::uint64_t>(7000 + seed)), 1 + seed % 100).value();
}

catalog::Case drawn_any(const char* op) {
  return *catalog::find(op).generator(*rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64));
}

// ---- 1. the exact step -------------------------------------------------------------

using ExactStep = std::function<Real(const Array<Real>& A, const Array<Real>& b, const Array<Real>& theta,
                                     const Array<Real>& direction)>;

/// Whether phi'(eta) = d^T (A (theta + eta d) + b) vanishes within the tolerance above.
bool zeroes_directional_derivative(const ExactStep& rule, const catalog::Case& c) {
  ScopedPrecision precision(kBits);
  const Array<Real>& A = c.inputs.at("A");
  const Array<Real>& b = c.inputs.at("b");
  const Array<Real>& theta = c.inputs.at("theta");
  const Array<Real>& d = c.inputs.at("direction");
  const Real eta = rule(A, b, theta, d);
  const std::int64_t n = theta.size();
  Real derivative = 0, m_num = 0, m_den = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    Real row = b[i], row_num = abs(b[i]), row_den = 0;
    for (std::int64_t j = 0; j < n; ++j) {
      row += A[i * n + j] * (theta[j] + eta * d[j]);
      row_num += abs(A[i * n + j]) * abs(theta[j]);
      row_den += abs(A[i * n + j]) * abs(d[j]);
    }
    derivative += d[i] * row;
    m_num += abs(d[i]) * row_num;
    m_den += abs(d[i]) * row_den;
  }
  return abs(derivative) <= 4 * Real(2 * n + 4) * unit() * (m_num + abs(eta) * m_den);
}

Real exact_step(const Array<Real>& A, const Array<Real>& b, const Array<Real>& theta, const Array<Real>& d) {
  return reference::exact_line_search(A, b, theta, d);
}

TEST(LineSearch, ExactStepZeroesTheDirectionalDerivative) {
  const bool ok = rc::check("d^T grad L(theta + eta d) = 0 at the exact step", [] {
    RC_ASSERT(zeroes_directional_derivative(exact_step, drawn_any("exact_line_search")));
  });
  EXPECT_TRUE(ok);
}

TEST(LineSearch, ExactStepOnTheObjectiveEqualsTheArrayForm) {
  const bool ok = rc::check("exact_line_search(quadratic objective) = exact_line_search(A, b)", [] {
    const catalog::Case c = drawn_any("exact_line_search");
    ScopedPrecision precision(kBits);
    const Array<Real> zero(Shape{}, Real(0));
    const auto q = reference::quadratic(c.inputs.at("A"), c.inputs.at("b"), zero);
    RC_ASSERT(reference::exact_line_search(q, c.inputs.at("theta"), c.inputs.at("direction")) ==
              exact_step(c.inputs.at("A"), c.inputs.at("b"), c.inputs.at("theta"), c.inputs.at("direction")));
  });
  EXPECT_TRUE(ok);
}

/// Whether `rule` passes the check on every one of kBrokenCases fixed cases.
bool exact_step_holds(const ExactStep& rule) {
  for (int i = 0; i < kBrokenCases; ++i)
    if (!zeroes_directional_derivative(rule, drawn("exact_line_search", i))) return false;
  return true;
}

TEST(LineSearch, BrokenExactStepsFailTheCheck) {
  EXPECT_TRUE(exact_step_holds(exact_step));
  const ExactStep wrong_sign = [](const Array<Real>& A, const Array<Real>& b, const Array<Real>& theta,
                                  const Array<Real>& d) { return -exact_step(A, b, theta, d); };
  const ExactStep without_curvature = [](const Array<Real>& A, const Array<Real>& b, const Array<Real>& theta,
                                         const Array<Real>& d) {
    Real dd = 0, dad = 0;
    const std::int64_t n = d.size();
    for (std::int64_t i = 0; i < n; ++i) {
      dd += d[i] * d[i];
      for (std::int64_t j = 0; j < n; ++j) dad += d[i] * A[i * n + j] * d[j];
    }
    return exact_step(A, b, theta, d) * dad / dd;  // -num / d^T d
  };
  EXPECT_FALSE(exact_step_holds(wrong_sign));
  EXPECT_FALSE(exact_step_holds(without_curvature));
}

// ---- 2. Armijo -----------------------------------------------------------------------

struct Returned {
  Real step;
  std::int64_t backtracks;
};
using Backtracking = std::function<Returned(const spec::Armijo&, const reference::Objective<Real>&, const Array<Real>& theta,
                                            const Array<Real>& direction)>;

/// The objective of an armijo case, at the working precision.
reference::Objective<Real> objective_of(const catalog::Case& c, const spec::Armijo& s) {
  auto find = [&c](const char* name) -> const Array<Real>* {
    auto it = c.inputs.find(name);
    return it == c.inputs.end() ? nullptr : &it->second;
  };
  return reference::objective_from<Real>(s.objective, {find("A"), find("b"), find("c"), find("features"), find("labels")},
                                         c.inputs.at("theta"), "armijo");
}

/// Whether the returned step is eta0 shrink^k with k its backtrack count, satisfies
/// the Armijo condition, and no earlier step of the sequence does.
bool first_sufficient_decrease(const Backtracking& rule, const catalog::Case& c) {
  ScopedPrecision precision(kBits);
  const spec::Armijo s = catalog::spec_from_json<spec::Armijo>(c.spec, "");
  const auto o = objective_of(c, s);
  const Array<Real>& theta = c.inputs.at("theta");
  const Array<Real>& d = c.inputs.at("direction");
  const Returned r = rule(s, o, theta, d);
  const Real start = o.value(theta);
  const Array<Real> g = o.gradient(theta);
  Real slope = 0;
  for (std::int64_t i = 0; i < d.size(); ++i) slope += d[i] * g[i];
  const Real tolerance = pow(Real(2), 16 - static_cast<int>(kBits));
  // Armijo's margin at step eta: L(theta + eta d) - L(theta) - c eta d^T g, with its scale.
  auto margin = [&](const Real& eta, Real& scale) {
    Array<Real> x = theta;
    for (std::int64_t i = 0; i < x.size(); ++i) x[i] = theta[i] + eta * d[i];
    const Real value = o.value(x);
    const Real decrease = Real(s.c) * eta * slope;
    scale = abs(value) + abs(start) + abs(decrease);
    return value - start - decrease;
  };
  Real eta = Real(s.eta0);
  for (std::int64_t k = 0; k < r.backtracks; ++k, eta *= Real(s.shrink)) {
    Real scale;
    if (margin(eta, scale) <= tolerance * scale) return false;  // an earlier step already satisfies it
  }
  if (abs(r.step - eta) > Real(r.backtracks + 1) * unit() * 4 * eta) return false;  // not eta0 shrink^k
  Real scale;
  return margin(r.step, scale) <= tolerance * scale;
}

Returned reference_armijo(const spec::Armijo& s, const reference::Objective<Real>& o, const Array<Real>& theta,
                const Array<Real>& d) {
  const auto r = reference::armijo(s, o, theta, d);
  return {r.step, r.backtracks};
}

TEST(LineSearch, ArmijoReturnsTheFirstStepOfItsSequenceWithSufficientDecrease) {
  const bool ok = rc::check("Armijo's step satisfies its condition and is the first of eta0 shrink^k that does", [] {
    RC_ASSERT(first_sufficient_decrease(reference_armijo, drawn_any("armijo")));
  });
  EXPECT_TRUE(ok);
}

/// Whether `rule` passes the check on every one of kBrokenCases fixed cases (with
/// c = 0.5 when `large_c`, where sufficient decrease is far from any decrease).
bool armijo_holds(const Backtracking& rule, bool large_c = false) {
  for (int i = 0; i < kBrokenCases; ++i) {
    catalog::Case c = drawn("armijo", i);
    if (large_c) c.spec["c"] = 0.5;
    if (!first_sufficient_decrease(rule, c)) return false;
  }
  return true;
}

TEST(LineSearch, BrokenBacktrackingFailsTheCheck) {
  EXPECT_TRUE(armijo_holds(reference_armijo));
  EXPECT_TRUE(armijo_holds(reference_armijo, true));
  const Backtracking skips_eta0 = [](const spec::Armijo& s, const reference::Objective<Real>& o,
                                     const Array<Real>& theta, const Array<Real>& d) {
    spec::Armijo later = s;
    later.eta0 = s.eta0 * s.shrink;
    const Returned r = reference_armijo(later, o, theta, d);
    return Returned{r.step, r.backtracks + 1};
  };
  const Backtracking one_shrink_too_many = [](const spec::Armijo& s, const reference::Objective<Real>& o,
                                              const Array<Real>& theta, const Array<Real>& d) {
    const Returned r = reference_armijo(s, o, theta, d);
    return Returned{r.step * Real(s.shrink), r.backtracks + 1};
  };
  const Backtracking any_decrease = [](const spec::Armijo& s, const reference::Objective<Real>& o,
                                       const Array<Real>& theta, const Array<Real>& d) {
    const Real start = o.value(theta);
    Real eta = Real(s.eta0);
    for (std::int64_t k = 0;; ++k, eta *= Real(s.shrink)) {
      Array<Real> x = theta;
      for (std::int64_t i = 0; i < x.size(); ++i) x[i] = theta[i] + eta * d[i];
      if (o.value(x) < start || k == s.max_backtracks) return Returned{eta, k};
    }
  };
  EXPECT_FALSE(armijo_holds(skips_eta0));
  EXPECT_FALSE(armijo_holds(one_shrink_too_many));
  EXPECT_FALSE(armijo_holds(any_decrease, true));
}

}  // namespace
}  // namespace gradref::properties
