// Theorems of softmax and log-softmax, checked in Real on the catalog's own cases
// (the cross-entropy loss's shift invariance is softmax_cross_entropy.cpp's):
//  1. both ops are exactly invariant under z -> z + c along every row, for a c that
//     keeps z + c exact: the reference only ever uses z_k - max(z);
//  2. softmax sums to 1 along dim, to the working precision;
//  3. exp(log_softmax) = softmax, to the working precision;
//  4. the VJPs agree with the Jacobians: log_softmax's applied to g is
//     g - softmax * sum(g), and softmax = exp(log_softmax) gives
//     softmax VJP(g) = log_softmax VJP(softmax * g).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/reference/math.hpp"
#include "gradref/spec/softmax.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 512;

const catalog::Entry& softmax() { return catalog::find("softmax"); }
const catalog::Entry& log_softmax() { return catalog::find("log_softmax"); }

/// Rounding of a few operations at kBits, relative: far above 2^-kBits, far below any
/// error these theorems could detect.
Real tolerance() { return pow(Real(2), -static_cast<int>(kBits) + 16); }

/// A generated case of either op, run as `entry`'s case (both take {"dim"}).
catalog::Case as_case_of(catalog::Case c, const catalog::Entry& entry) {
  c.op = entry.name;
  return c;
}

/// Calls f(indices) with the flat indices of every row along the case's dim.
template <class F>
void for_each_row(const catalog::Case& c, F&& f) {
  const Shape& shape = c.inputs.at("input").shape();
  const auto layout = spec::softmax_layout(c.op.c_str(), c.spec.at("dim").get<std::int64_t>(), shape, shape);
  std::vector<std::int64_t> row(static_cast<std::size_t>(layout.extent));
  for (std::int64_t o = 0; o < layout.outer; ++o)
    for (std::int64_t i = 0; i < layout.inner; ++i) {
      for (std::int64_t j = 0; j < layout.extent; ++j)
        row[static_cast<std::size_t>(j)] = (o * layout.extent + j) * layout.inner + i;
      f(row);
    }
}

TEST(Softmax, BothOpsAreExactlyShiftInvariant) {
  const bool ok = rc::check("softmax(z + c) == softmax(z), log_softmax(z + c) == log_softmax(z) exactly", [] {
    // float32 values span fewer than 2^-149 .. 2^15, so z + c below is exact at kBits.
    const catalog::Case c = *log_softmax().generator(catalog::Dtype::float32);
    const double shift = *rc::gen::element(0.5, -3.0, 1024.0, -0.125);
    catalog::Case shifted = c;
    {
      ScopedPrecision precision(kBits);
      shifted.inputs.insert_or_assign("input",
                                      c.inputs.at("input").map<Real>([shift](const Real& x) { return x + shift; }));
      for (std::int64_t k = 0; k < c.inputs.at("input").size(); ++k)
        RC_ASSERT(shifted.inputs.at("input")[k] - shift == c.inputs.at("input")[k]);
    }
    for (const catalog::Entry* entry : {&softmax(), &log_softmax()}) {
      const auto before = catalog::evaluate_at(*entry, as_case_of(c, *entry), kBits);
      const auto after = catalog::evaluate_at(*entry, as_case_of(shifted, *entry), kBits);
      RC_ASSERT(before.at("output").values() == after.at("output").values());
      RC_ASSERT(before.at("grad_input").values() == after.at("grad_input").values());
    }
  });
  EXPECT_TRUE(ok);
}

TEST(Softmax, SumsToOneAlongDim) {
  const bool ok = rc::check("sum_dim softmax(z) = 1", [] {
    const catalog::Case c = *softmax().generator(*rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64));
    const auto out = catalog::evaluate_at(softmax(), c, kBits);
    ScopedPrecision precision(kBits);
    const Array<Real>& y = out.at("output");
    for_each_row(c, [&](const std::vector<std::int64_t>& row) {
      Real total = 0;
      for (std::int64_t k : row) {
        RC_ASSERT(y[k] > 0);
        total += y[k];
      }
      RC_ASSERT(abs(total - 1) <= tolerance() * static_cast<double>(row.size()));
    });
  });
  EXPECT_TRUE(ok);
}

TEST(Softmax, ExpOfLogSoftmaxIsSoftmax) {
  const bool ok = rc::check("exp(log_softmax(z)) = softmax(z)", [] {
    const catalog::Case c = *softmax().generator(*rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64));
    const auto y = catalog::evaluate_at(softmax(), c, kBits).at("output");
    const auto l = catalog::evaluate_at(log_softmax(), as_case_of(c, log_softmax()), kBits).at("output");
    ScopedPrecision precision(kBits);
    for (std::int64_t k = 0; k < y.size(); ++k) {
      RC_ASSERT(l[k] <= 0);
      // exp turns an absolute error of l into a relative one: allow for |l|.
      RC_ASSERT(abs(exp(l[k]) - y[k]) <= tolerance() * (1 + abs(l[k])) * y[k]);
    }
  });
  EXPECT_TRUE(ok);
}

TEST(Softmax, VectorJacobianProductsAgreeWithTheJacobians) {
  const bool ok = rc::check("log_softmax VJP(g) = g - y sum(g); softmax VJP(g) = log_softmax VJP(y * g)", [] {
    const catalog::Case c = *softmax().generator(*rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64));
    const auto soft = catalog::evaluate_at(softmax(), c, kBits);
    const auto logs = catalog::evaluate_at(log_softmax(), as_case_of(c, log_softmax()), kBits);
    ScopedPrecision precision(kBits);
    const Array<Real>& y = soft.at("output");
    const Array<Real> g = c.inputs.at("grad_output").map<Real>([](const Real& x) { return at_working_precision(x); });

    // Jacobian of log_softmax: d l_j / d z_k = [j = k] - y_k, so J^T g = g - y * sum(g).
    const Array<Real>& log_vjp = logs.at("grad_input");
    for_each_row(c, [&](const std::vector<std::int64_t>& row) {
      Real total = 0, magnitude = 0;
      for (std::int64_t k : row) {
        total += g[k];
        magnitude += abs(g[k]);
      }
      for (std::int64_t k : row)
        RC_ASSERT(abs(log_vjp[k] - (g[k] - y[k] * total)) <= tolerance() * (abs(g[k]) + y[k] * magnitude));
    });

    // J_softmax = diag(y) J_log_softmax, so J_softmax^T g = J_log_softmax^T (y * g).
    catalog::Case weighted = as_case_of(c, log_softmax());
    weighted.inputs.insert_or_assign("grad_output",
                                     Array<Real>(y.shape(), [&] {
                                       std::vector<Real> w;
                                       for (std::int64_t k = 0; k < y.size(); ++k) w.push_back(y[k] * g[k]);
                                       return w;
                                     }()));
    const Array<Real> through_log = catalog::evaluate_at(log_softmax(), weighted, kBits).at("grad_input");
    const Array<Real>& soft_vjp = soft.at("grad_input");
    for_each_row(c, [&](const std::vector<std::int64_t>& row) {
      Real magnitude = 0;
      for (std::int64_t k : row) magnitude += y[k] * abs(g[k]);
      for (std::int64_t k : row)
        RC_ASSERT(abs(soft_vjp[k] - through_log[k]) <= tolerance() * y[k] * (abs(g[k]) + magnitude));
    });
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace gradref::properties
