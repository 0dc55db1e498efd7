// The test objectives' Hessians are the derivatives of their gradients: each entry
// H_ij agrees with high-precision finite differences of gradient_i along theta_j to
// 40 digits relative to the largest Hessian entry (the generic gradient test checks
// the gradient against the value the same way). Also the worked values of the
// issue's quadratic A = [[20, 5], [5, 2]], b = (-14, -6), c = 10 at (-1, -1), and
// the coupled example's minimum at (1, 1).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>

#include "gradref/catalog/evaluate.hpp"
#include "gradref/reference/objectives/test_objectives.hpp"
#include "support/finite_difference.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 512;

TEST(Objectives, HessianIsTheDerivativeOfTheGradient) {
  const catalog::Entry& entry = catalog::find("objective");
  const bool ok = rc::check("hessian vs finite differences of the gradient", [&] {
    const catalog::Case c = *entry.generator(catalog::Dtype::float64);
    ScopedPrecision precision(kBits);
    const catalog::NamedArrays<Real> out = catalog::evaluate_at(entry, c, kBits);
    const Array<Real>& hessian = out.at("hessian");
    const std::int64_t n = c.inputs.at("theta").size();
    Real scale = 0;
    for (const Real& h : hessian.values()) scale = std::max(scale, Real(abs(h)));
    const std::int64_t i = *rc::gen::inRange<std::int64_t>(0, n), j = *rc::gen::inRange<std::int64_t>(0, n);
    auto gradient_at = [&](const Real& x) {
      catalog::Case moved = c;
      Array<Real> theta = moved.inputs.at("theta").map<Real>([](const Real& v) { return at_working_precision(v); });
      theta[j] = x;
      moved.inputs.insert_or_assign("theta", std::move(theta));
      return entry.reference(moved).at("gradient")[i];
    };
    const Real fd = richardson_derivative(gradient_at, at_working_precision(c.inputs.at("theta")[j]), pow(Real(2), -32));
    const Real floor = pow(Real(2), -static_cast<int>(kBits / 2));
    RC_ASSERT(abs(fd - hessian[i * n + j]) <= std::max(pow(Real(10), -40) * scale, floor));
  });
  EXPECT_TRUE(ok);
}

TEST(Objectives, WorkedQuadraticAndCoupledMinimum) {
  const auto exact_array = [](Shape shape, std::vector<double> v) {
    std::vector<Real> r;
    for (double x : v) r.push_back(exact(x));
    return Array<Real>(std::move(shape), std::move(r));
  };
  const auto q = reference::quadratic(exact_array({2, 2}, {20, 5, 5, 2}), exact_array({2}, {-14, -6}),
                                      exact_array({}, {10}));
  const Array<Real> start = exact_array({2}, {-1, -1});
  // 1/2 (20 + 10 + 2) + 20 + 10 = 46; gradient (-20 - 5 - 14, -5 - 2 - 6) = (-39, -13).
  EXPECT_EQ(q.value(start), 46);
  EXPECT_EQ(q.gradient(start).values(), (std::vector<Real>{-39, -13}));
  const auto coupled = reference::coupled<Real>();
  const Array<Real> one = exact_array({2}, {1, 1});
  EXPECT_EQ(coupled.value(one), 0);
  EXPECT_EQ(coupled.gradient(one).values(), (std::vector<Real>{0, 0}));
  // H = [[6 - 2 + 1, -2], [-2, 1]]: positive definite (det 1), a strict minimum.
  EXPECT_EQ(coupled.hessian(one).values(), (std::vector<Real>{5, -2, -2, 1}));
  const auto rosenbrock = reference::rosenbrock<Real>(3);
  EXPECT_EQ(rosenbrock.value(exact_array({3}, {1, 1, 1})), 0);
}

}  // namespace
}  // namespace gradref::properties
