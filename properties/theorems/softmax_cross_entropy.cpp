// Theorems of softmax cross-entropy, checked in Real on the catalog's own cases:
//  1. d loss / d z = (softmax(z) - onehot(y)) * scale, softmax computed independently
//     as exp(z_j - logsumexp(z));
//  2. each row of the gradient sums to zero;
//  3. the loss is exactly invariant under z_i -> z_i + c (every row shifted), because
//     the reference only ever uses z_j - max(z).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/reference/math.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 512;

const catalog::Entry& cross_entropy() { return catalog::find("cross_entropy"); }

TEST(SoftmaxCrossEntropy, GradientIsSoftmaxMinusOneHotAndRowsSumToZero) {
  const bool ok = rc::check("grad = (softmax - onehot) * scale; rows sum to 0", [] {
    const catalog::Case c = *cross_entropy().generator(*rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64));
    const auto out = catalog::evaluate_at(cross_entropy(), c, kBits);
    ScopedPrecision precision(kBits);
    // At the working precision: Boost computes with the precision of the operands.
    const Array<Real> z = c.inputs.at("logits").map<Real>([](const Real& x) { return at_working_precision(x); });
    const Array<Real>& grad = out.at("grad_logits");
    const auto y = catalog::integer_values(c.inputs.at("target"), "cross_entropy", "target");
    const std::int64_t rows = z.extent(0), classes = z.extent(1);
    const Real scale = c.spec["reduction"] == "mean" ? Real(1) / rows : Real(1);
    const Real tolerance = pow(Real(2), -static_cast<int>(kBits) + 16);
    for (std::int64_t i = 0; i < rows; ++i) {
      Real m = z[i * classes];
      for (std::int64_t j = 0; j < classes; ++j) m = maximum(m, z[i * classes + j]);
      Real s = 0;
      for (std::int64_t j = 0; j < classes; ++j) s += exp(z[i * classes + j] - m);
      const Real lse = log(s) + m;
      Real row_sum = 0, row_magnitude = 0;
      for (std::int64_t j = 0; j < classes; ++j) {
        const Real p = exp(z[i * classes + j] - lse);
        const Real expected = (p - (j == y[static_cast<std::size_t>(i)] ? 1 : 0)) * scale;
        const Real g = grad[i * classes + j];
        RC_ASSERT(abs(g - expected) <= tolerance * (abs(expected) + scale));
        row_sum += g;
        row_magnitude += abs(g);
      }
      RC_ASSERT(abs(row_sum) <= tolerance * row_magnitude);
    }
  });
  EXPECT_TRUE(ok);
}

TEST(SoftmaxCrossEntropy, LossIsExactlyShiftInvariant) {
  const bool ok = rc::check("loss(z + c) == loss(z) exactly", [] {
    catalog::Case c = *cross_entropy().generator(catalog::Dtype::float64);
    // A shift by a small dyadic keeps every logit exact at kBits.
    const double shift = *rc::gen::element(0.5, -3.0, 1024.0, -0.125);
    const auto before = catalog::evaluate_at(cross_entropy(), c, kBits);
    c.inputs.insert_or_assign("logits", c.inputs.at("logits").map<Real>([shift](const Real& x) { return x + shift; }));
    const auto after = catalog::evaluate_at(cross_entropy(), c, kBits);
    RC_ASSERT(before.at("loss").values() == after.at("loss").values());
    RC_ASSERT(before.at("grad_logits").values() == after.at("grad_logits").values());
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace gradref::properties
