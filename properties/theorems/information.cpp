// Theorems of information theory, checked in Real on the catalog's references:
//  1. H(P, Q) = H(P) + D_KL(P || Q), row by row, to working precision; the gradients
//     add up the same way (H(P) does not depend on q);
//  2. Gibbs' inequality: for normalized P and Q, D_KL(P || Q) >= 0, exactly 0 when
//     P = Q and strictly positive otherwise (at least Pinsker's ||P - Q||_1^2 / 2);
//  3. the negative log-likelihood of a model q on targets y_1..y_N (reduction mean,
//     log q in every row) equals H(P_emp, Q), P_emp the targets' empirical
//     distribution, to working precision.
//
// Tolerances. Every reference value here is computed at kBits with correctly
// rounded operations, unit roundoff u = 2^-kBits. A term of H(P), D_KL or H(P, Q)
// passes through at most four roundings (exp or log of an input, a difference, a
// product, a negation that is exact), each relative to the magnitudes
// |p log p| + |p log q| it is built from; a sum of K terms adds at most (K - 1) u
// times the sum of the magnitudes (Higham, Lemma 3.1). So a row of
// H(P) + D_KL - H(P, Q) is off by at most (3K + 12) u M, M = sum_k (|p_k log p_k|
// + |p_k log q_k|), for which the tests allow (4K + 16) u M. Nothing larger than u M
// is hidden in the difference: the three references share no rounding that could
// cancel, so a wrong identity (a missing term, a swapped argument) shows as an
// error of the size of a term, far above 2^-500 M.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cmath>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/support.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 512;

using catalog::Case;
using catalog::Dtype;
using catalog::Json;

const catalog::Entry& cross_entropy_pq() { return catalog::find("cross_entropy_pq"); }
const catalog::Entry& entropy() { return catalog::find("entropy"); }
const catalog::Entry& kl_divergence() { return catalog::find("kl_divergence"); }
const catalog::Entry& nll() { return catalog::find("nll"); }

Real unit_roundoff() { return pow(Real(2), -static_cast<int>(kBits)); }

Case make_case(const catalog::Entry& entry, const Json& spec, catalog::NamedArrays<Real> inputs) {
  return Case{entry.name, entry.make_spec(spec, ""), std::move(inputs)};
}

Dtype any_dtype() { return *rc::gen::element(Dtype::float32, Dtype::float64); }

TEST(Information, CrossEntropyIsEntropyPlusDivergence) {
  const bool ok = rc::check("H(P, Q) = H(P) + D_KL(P || Q) per row, and so are the gradients", [] {
    const Case c0 = *cross_entropy_pq().generator(any_dtype());
    const Json forms = {{"p_form", c0.spec["p_form"]}, {"q_form", c0.spec["q_form"]}};
    const Case ce =
        make_case(cross_entropy_pq(), {{"p_form", forms["p_form"]}, {"q_form", forms["q_form"]}, {"reduction", "row"}},
                  c0.inputs);
    const Case h =
        make_case(entropy(), {{"p_form", forms["p_form"]}, {"reduction", "none"}}, {{"p", c0.inputs.at("p")}});
    const Case d = make_case(
        kl_divergence(), {{"p_form", forms["p_form"]}, {"q_form", forms["q_form"]}, {"reduction", "row"}}, c0.inputs);
    const auto out_ce = catalog::evaluate_at(cross_entropy_pq(), ce, kBits);
    const auto out_h = catalog::evaluate_at(entropy(), h, kBits);
    const auto out_d = catalog::evaluate_at(kl_divergence(), d, kBits);
    ScopedPrecision precision(kBits);
    const bool p_log = forms["p_form"] == "log", q_log = forms["q_form"] == "log";
    const Array<Real>& p = c0.inputs.at("p");
    const Array<Real>& q = c0.inputs.at("q");
    const std::int64_t rows = p.extent(0), classes = p.extent(1);
    const Real u = unit_roundoff();
    for (std::int64_t i = 0; i < rows; ++i) {
      Real magnitude = 0;
      for (std::int64_t k = i * classes; k < (i + 1) * classes; ++k) {
        const Real prob = p_log ? Real(exp(p[k])) : p[k];
        if (prob == 0) continue;
        const Real lp = p_log ? p[k] : Real(log(p[k])), lq = q_log ? q[k] : Real(log(q[k]));
        magnitude += abs(prob * lp) + abs(prob * lq);
        // d/dp: -log q = -(log p + 1) + (log p - log q + 1), and likewise in the log form.
        const Real gp = out_ce.at("grad_p")[k], gh = out_h.at("grad_p")[k], gd = out_d.at("grad_p")[k];
        if (isinf(gp)) {
          RC_ASSERT(isinf(gd) && gd == gp);
        } else {
          const Real scale = (p_log ? abs(prob) : Real(1)) * (abs(lp) + abs(lq) + 1);
          RC_ASSERT(abs(gh + gd - gp) <= 16 * u * scale);
        }
      }
      const Real hpq = out_ce.at("loss")[i], hp = out_h.at("loss")[i], dpq = out_d.at("loss")[i];
      if (isinf(hpq)) {  // Q has no mass where P has some: so is D_KL infinite, H(P) finite
        RC_ASSERT(hpq > 0 && isinf(dpq) && dpq > 0 && !isinf(hp));
        continue;
      }
      RC_ASSERT(abs(hp + dpq - hpq) <= (4 * classes + 16) * u * magnitude);
    }
    // d/dq: H(P) does not depend on q, and both references compute -p/q (or -p) alike.
    RC_ASSERT(out_ce.at("grad_q").values() == out_d.at("grad_q").values());
  });
  EXPECT_TRUE(ok);
}

/// A row of K probabilities m_k / 2^bits with integers m_k >= 0 summing to 2^bits:
/// exactly normalized, and exact in float32 for bits <= 24.
std::vector<double> dyadic_row(std::int64_t classes, int bits) {
  const std::int64_t total = std::int64_t{1} << bits;
  std::vector<std::int64_t> cuts{0, total};
  for (std::int64_t k = 1; k < classes; ++k) cuts.push_back(*rc::gen::inRange<std::int64_t>(0, total + 1));
  std::sort(cuts.begin(), cuts.end());
  std::vector<double> row;
  for (std::size_t k = 1; k < cuts.size(); ++k)
    row.push_back(std::ldexp(static_cast<double>(cuts[k] - cuts[k - 1]), -bits));
  return row;
}

TEST(Information, GibbsInequality) {
  const bool ok = rc::check("D_KL(P || Q) = 0 if P = Q, else >= ||P - Q||_1^2 / 2 > 0 (normalized rows)", [] {
    const std::int64_t rows = *rc::gen::inRange(1, 5), classes = *rc::gen::inRange(1, 41);
    const int bits = *rc::gen::inRange(1, 21);
    std::vector<double> p, q;
    for (std::int64_t i = 0; i < rows; ++i) {
      const std::vector<double> pr = dyadic_row(classes, bits);
      std::vector<double> qr;
      switch (*rc::gen::inRange(0, 3)) {
        case 0:  // Q = P
          qr = pr;
          break;
        case 1: {  // Q = P with one unit 2^-bits moved from one class to another: the closest Q != P
          qr = pr;
          const auto from = static_cast<std::size_t>(*rc::gen::inRange<std::int64_t>(0, classes));
          const auto to = static_cast<std::size_t>(*rc::gen::inRange<std::int64_t>(0, classes));
          if (qr[from] > 0) {
            qr[from] -= std::ldexp(1.0, -bits);
            qr[to] += std::ldexp(1.0, -bits);
          }
          break;
        }
        default:
          qr = dyadic_row(classes, bits);
      }
      p.insert(p.end(), pr.begin(), pr.end());
      q.insert(q.end(), qr.begin(), qr.end());
    }
    const Case d = make_case(
        kl_divergence(), {{"reduction", "row"}},
        {{"p", catalog::gen::real_array({rows, classes}, p)}, {"q", catalog::gen::real_array({rows, classes}, q)}});
    const auto out = catalog::evaluate_at(kl_divergence(), d, kBits);
    ScopedPrecision precision(kBits);
    const Real u = unit_roundoff();
    for (std::int64_t i = 0; i < rows; ++i) {
      const Real divergence = out.at("loss")[i];
      Real l1 = 0, magnitude = 0;
      for (std::int64_t k = i * classes; k < (i + 1) * classes; ++k) {
        const Real pk = exact(p[static_cast<std::size_t>(k)]), qk = exact(q[static_cast<std::size_t>(k)]);
        l1 += abs(pk - qk);
        if (pk > 0) magnitude += abs(pk * log(pk)) + abs(pk * log(qk));
      }
      if (l1 == 0) {
        RC_ASSERT(divergence == 0);  // every term is p (log p - log p) = 0, exactly
      } else {
        RC_ASSERT(divergence > 0);
        if (!isinf(divergence)) RC_ASSERT(divergence >= l1 * l1 / 2 - (4 * classes + 16) * u * magnitude);
      }
    }
  });
  EXPECT_TRUE(ok);
}

TEST(Information, DivergenceFromItselfIsExactlyZero) {
  const bool ok = rc::check("D_KL(P || P) = 0 exactly, in either form, normalized or not", [] {
    Case c = *kl_divergence().generator(any_dtype());
    c.inputs.insert_or_assign("q", c.inputs.at("p"));
    c.spec["q_form"] = c.spec["p_form"];
    c.spec["reduction"] = "none";
    const auto out = catalog::evaluate_at(kl_divergence(), c, kBits);
    for (const Real& term : out.at("loss").values()) RC_ASSERT(term == 0);
  });
  EXPECT_TRUE(ok);
}

TEST(Information, NegativeLogLikelihoodIsCrossEntropyFromTheEmpiricalDistribution) {
  const bool ok = rc::check("nll(mean, log q per row, y) = H(P_emp(y), Q)", [] {
    // A model distribution q over C classes, given as log-probabilities (finite).
    const Case source = *rc::gen::suchThat(cross_entropy_pq().generator(any_dtype()),
                                           [](const Case& c) { return c.spec["q_form"] == "log"; });
    const std::int64_t classes = source.inputs.at("q").extent(1);
    const std::vector<Real> log_q(source.inputs.at("q").values().begin(),
                                  source.inputs.at("q").values().begin() + classes);
    const std::int64_t n = *rc::gen::inRange(1, 41);
    std::vector<Real> input, y;
    std::vector<std::int64_t> counts(static_cast<std::size_t>(classes), 0);
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t t = *rc::gen::inRange<std::int64_t>(0, classes);
      ++counts[static_cast<std::size_t>(t)];
      y.push_back(Real(t));
      input.insert(input.end(), log_q.begin(), log_q.end());
    }
    const Case likelihood = make_case(nll(), {{"reduction", "mean"}},
                                      {{"input", Array<Real>({n, classes}, input)}, {"target", Array<Real>({n}, y)}});
    ScopedPrecision precision(kBits);
    std::vector<Real> empirical;
    for (std::int64_t count : counts) empirical.push_back(Real(count) / Real(n));  // rounded at kBits
    const Case cross =
        make_case(cross_entropy_pq(), {{"p_form", "prob"}, {"q_form", "log"}, {"reduction", "row"}},
                  {{"p", Array<Real>({1, classes}, empirical)}, {"q", Array<Real>({1, classes}, log_q)}});
    const Real lhs = catalog::evaluate_at(nll(), likelihood, kBits).at("loss")[0];
    const Real rhs = catalog::evaluate_at(cross_entropy_pq(), cross, kBits).at("loss")[0];
    // M = (1/N) sum_i |log q_{y_i}|: the NLL's sum of N exact terms rounds at most
    // (N - 1) u N M before the division by N; H(P_emp, Q) carries the roundings of
    // p_c = n_c / N, of each product and of its sum over C.
    Real magnitude = 0;
    for (std::int64_t c = 0; c < classes; ++c)
      magnitude += Real(counts[static_cast<std::size_t>(c)]) * abs(log_q[static_cast<std::size_t>(c)]) / Real(n);
    RC_ASSERT(abs(lhs - rhs) <= (n + 4 * classes + 16) * unit_roundoff() * magnitude);
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace gradref::properties
