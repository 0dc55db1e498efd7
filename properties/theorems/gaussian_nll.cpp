// Theorems of the Gaussian negative log-likelihood, checked in Real on the catalog's
// own cases against the catalog's mse:
//  1. with a fixed variance sigma^2, per element gnll_i = mse_i / (2 sigma^2) + k,
//     k = 0.5 log sigma^2 [+ 0.5 log(2 pi) when full]; so the sum is
//     MSE(sum) / (2 sigma^2) + m k and the mean MSE(mean) / (2 sigma^2) + k;
//  2. its gradient is mse's divided by 2 sigma^2 (same reduction), so both vanish
//     exactly at input = target: the two losses share their minimizer;
//  3. below eps the loss does not depend on var at all (so its derivative is 0,
//     the `zero` convention), and the `formula` convention reports
//     0.5 (1 / eps - d^2 / eps^2) there, the unclamped derivative at v = eps.
//
// Tolerances. The reference runs at kBits; each Real operation rounds to nearest,
// a relative error of at most 2^-kBits (MPFR's log is correctly rounded too). An
// element's value passes through at most 8 roundings on either side of a relation
// (d, v, d / v, q, log, the sum, the halving, the constant), and a left-to-right sum
// of m terms adds at most m - 1 more, each relative to a partial sum bounded by the
// sum of the terms' magnitudes. So both sides lie within (m + 8) 2^-kBits times the
// sum of the magnitudes of the terms they add, and their difference within twice
// that: the tolerance below is 2 (m + 16) 2^-kBits * magnitude, about 2^-500 relative
// for these cases, where any wrong constant or factor shows at 2^-60 or more.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <boost/math/constants/constants.hpp>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/support.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 512;

const catalog::Entry& gaussian_nll() { return catalog::find("gaussian_nll"); }
const catalog::Entry& mse() { return catalog::find("mse"); }

/// 2 (m + 16) 2^-kBits: the tolerance per unit of magnitude for a sum of m terms.
Real tolerance_factor(std::int64_t m) { return 2 * Real(m + 16) * pow(Real(2), -static_cast<int>(kBits)); }

/// A generated case turned to a fixed variance sigma^2 with `reduction`.
catalog::Case fixed_case(catalog::Case c, double sigma, const std::string& reduction) {
  c.spec["variance"] = "fixed";
  c.spec["sigma"] = sigma;
  c.spec["reduction"] = reduction;
  c.inputs.erase("var");
  return c;
}

/// The mse case on the same input and target.
catalog::Case mse_case(const catalog::Case& c, const std::string& reduction) {
  catalog::Case m{"mse", catalog::Json{{"reduction", reduction}}, {}};
  m.inputs.emplace("input", c.inputs.at("input"));
  m.inputs.emplace("target", c.inputs.at("target"));
  return m;
}

rc::Gen<double> sigmas() { return rc::gen::element(1.0, 0.5, 2.0, 0.1, 3.0, 1e-3, 1e3, 0.7); }

TEST(GaussianNll, FixedVarianceIsScaledMsePlusConstant) {
  const bool ok = rc::check("gnll = mse / (2 sigma^2) + m (0.5 log sigma^2 [+ 0.5 log 2 pi])", [] {
    const catalog::Case generated =
        *gaussian_nll().generator(*rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64));
    const double sigma = *sigmas();
    const std::string reduction = *rc::gen::element<std::string>("sum", "mean", "none");
    const catalog::Case c = fixed_case(generated, sigma, reduction);
    const bool full = c.spec["full"].get<bool>();
    const auto gnll = catalog::evaluate_at(gaussian_nll(), c, kBits).at("loss");
    const auto gnll_each = catalog::evaluate_at(gaussian_nll(), fixed_case(generated, sigma, "none"), kBits).at("loss");
    const auto mse_loss = catalog::evaluate_at(mse(), mse_case(c, reduction), kBits).at("loss");
    const auto mse_each = catalog::evaluate_at(mse(), mse_case(c, "none"), kBits).at("loss");
    ScopedPrecision precision(kBits);
    // 0.5 log sigma^2 = log sigma, and 0.5 log(2 pi) from MPFR's pi: not the reference's forms.
    Real k = log(exact(sigma));
    if (full) k += log(2 * boost::math::constants::pi<Real>()) / 2;
    const Real two_var = 2 * exact(sigma) * exact(sigma);
    const std::int64_t m = gnll_each.size();
    Real magnitude = 0;
    for (std::int64_t i = 0; i < m; ++i) magnitude += abs(gnll_each[i]) + mse_each[i] / two_var + abs(k);
    if (reduction == "none") {
      for (std::int64_t i = 0; i < m; ++i) {
        const Real expected = mse_each[i] / two_var + k;
        RC_ASSERT(abs(gnll[i] - expected) <= tolerance_factor(1) * (abs(gnll[i]) + mse_each[i] / two_var + abs(k)));
      }
    } else {
      const Real count = reduction == "mean" ? Real(m) : Real(1);
      const Real expected = mse_loss[0] / two_var + Real(m) * k / count;
      RC_ASSERT(abs(gnll[0] - expected) <= tolerance_factor(m) * magnitude / count);
    }
  });
  EXPECT_TRUE(ok);
}

TEST(GaussianNll, FixedVarianceGradientIsScaledMseGradientAndVanishesAtTheTarget) {
  const bool ok = rc::check("grad gnll = grad mse / (2 sigma^2); both 0 at input = target", [] {
    catalog::Case generated =
        *gaussian_nll().generator(*rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64));
    const double sigma = *sigmas();
    const std::string reduction = *rc::gen::element<std::string>("sum", "mean", "none");
    const bool at_target = *rc::gen::arbitrary<bool>();
    if (at_target) generated.inputs.insert_or_assign("target", generated.inputs.at("input"));
    const catalog::Case c = fixed_case(generated, sigma, reduction);
    const auto gnll = catalog::evaluate_at(gaussian_nll(), c, kBits);
    const auto mse_out = catalog::evaluate_at(mse(), mse_case(c, reduction), kBits);
    ScopedPrecision precision(kBits);
    const Real two_var = 2 * exact(sigma) * exact(sigma);
    for (const char* name : {"grad_input", "grad_target"}) {
      const Array<Real>& g = gnll.at(name);
      const Array<Real>& g_mse = mse_out.at(name);
      for (std::int64_t i = 0; i < g.size(); ++i) {
        const Real expected = g_mse[i] / two_var;
        RC_ASSERT(abs(g[i] - expected) <= tolerance_factor(1) * abs(expected));
        if (at_target) RC_ASSERT(g[i] == 0 && g_mse[i] == 0);
      }
    }
  });
  EXPECT_TRUE(ok);
}

TEST(GaussianNll, BelowEpsTheLossIgnoresVarAndEachConventionHoldsItsValue) {
  const bool ok = rc::check("below eps: loss independent of var; zero -> 0, formula -> 0.5 (1/eps - d^2/eps^2)", [] {
    catalog::Case c = *gaussian_nll().generator(*rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64));
    const double eps = *rc::gen::element(1e-6, 1e-3, 0.5, 2.0);
    c.spec["variance"] = "input";
    c.spec["eps"] = eps;
    const std::int64_t m = c.inputs.at("input").size();
    // Every var below eps, from 0 to just under it.
    std::vector<double> var(static_cast<std::size_t>(m));
    for (double& v : var) v = eps * *rc::gen::element(0.0, 0.25, 0.5, 0.999);
    c.inputs.insert_or_assign("var", catalog::gen::real_array(c.inputs.at("input").shape(), var));
    catalog::Case halved = c;
    halved.inputs.insert_or_assign("var", c.inputs.at("var").map<Real>([](const Real& v) { return v / 2; }));
    catalog::Case zero = c, formula = c;
    zero.spec["grad_var_below_eps"] = "zero";
    formula.spec["grad_var_below_eps"] = "formula";
    const auto out_zero = catalog::evaluate_at(gaussian_nll(), zero, kBits);
    const auto out_formula = catalog::evaluate_at(gaussian_nll(), formula, kBits);
    const auto out_halved = catalog::evaluate_at(gaussian_nll(), halved, kBits);
    RC_ASSERT(out_halved.at("loss").values() == out_formula.at("loss").values());
    RC_ASSERT(out_zero.at("loss").values() == out_formula.at("loss").values());
    ScopedPrecision precision(kBits);
    const Real e = exact(eps);
    const Real scale = c.spec["reduction"] == "mean" ? Real(1) / m : Real(1);
    for (std::int64_t i = 0; i < m; ++i) {
      RC_ASSERT(out_zero.at("grad_var")[i] == 0);
      // At the working precision: Boost computes with the precision of the operands.
      const Real d = at_working_precision(c.inputs.at("input")[i]) - at_working_precision(c.inputs.at("target")[i]);
      const Real expected = (1 / e - d * d / (e * e)) / 2 * scale;
      RC_ASSERT(abs(out_formula.at("grad_var")[i] - expected) <=
                tolerance_factor(1) * (1 / e + d * d / (e * e)) * scale);
    }
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace gradref::properties
