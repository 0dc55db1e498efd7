// Theorems of softmax cross-entropy, checked in Real on the catalog's own cases:
//  1. d loss / d z = (T softmax(z) - t) * scale, where t is the target mass (one-hot
//     w_y for a plain index target; smoothed, weighted or a probability row otherwise),
//     T its total and scale the mean's 1 / (total weight) -- softmax computed
//     independently as exp(z_j - logsumexp(z)) and t from PyTorch's formulas;
//  2. each row of the gradient sums to zero;
//  3. the loss is exactly invariant under z_i -> z_i + c (every row shifted), because
//     the reference only ever uses z_j - max(z).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/reference/math.hpp"
#include "gradref/spec/cross_entropy.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 512;

const catalog::Entry& cross_entropy() { return catalog::find("cross_entropy"); }

TEST(SoftmaxCrossEntropy, GradientIsSoftmaxTimesMassMinusTargetAndRowsSumToZero) {
  const bool ok = rc::check("grad = (T softmax - t) * scale; rows sum to 0", [] {
    const catalog::Case c = *cross_entropy().generator(*rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64));
    const auto out = catalog::evaluate_at(cross_entropy(), c, kBits);
    ScopedPrecision precision(kBits);
    const auto s = catalog::spec_from_json<spec::CrossEntropy>(c.spec, "");
    const bool indices = s.target_type == spec::TargetType::indices;
    // At the working precision: Boost computes with the precision of the operands.
    const auto working = [](const Array<Real>& a) { return a.map<Real>([](const Real& x) { return at_working_precision(x); }); };
    const Array<Real> z = working(c.inputs.at("logits"));
    const spec::ClassLayout l = spec::class_layout("cross_entropy", "logits", z.shape());
    const Array<Real>& grad = out.at("grad_logits");
    std::vector<Real> w(static_cast<std::size_t>(l.classes), Real(1));
    if (c.inputs.contains("weight")) w = working(c.inputs.at("weight")).values();
    std::vector<std::int64_t> y;
    Array<Real> q;
    if (indices)
      y = catalog::integer_values(c.inputs.at("target"), "cross_entropy", "target");
    else
      q = working(c.inputs.at("target"));
    const Real eps = s.label_smoothing, classes = static_cast<double>(l.classes);

    Real divisor = static_cast<double>(l.positions());
    if (indices && s.reduction == spec::Reduction::mean) {
      divisor = 0;
      for (std::int64_t target : y)
        if (target != s.ignore_index) divisor += w[static_cast<std::size_t>(target)];
    }
    const Real scale = s.reduction == spec::Reduction::mean ? Real(1) / divisor : Real(1);
    // Both sides are 512-bit evaluations of a few hundred operations each, every
    // term bounded by (T + 1) * scale: they agree to 2^16 roundings of that scale.
    const Real tolerance = pow(Real(2), -static_cast<int>(kBits) + 16);
    for (std::int64_t i = 0; i < l.positions(); ++i) {
      const bool ignored = indices && y[static_cast<std::size_t>(i)] == s.ignore_index;
      Real m = z[l.offset(i, 0)];
      for (std::int64_t j = 0; j < l.classes; ++j) m = maximum(m, z[l.offset(i, j)]);
      Real sum_exp = 0;
      for (std::int64_t j = 0; j < l.classes; ++j) sum_exp += exp(z[l.offset(i, j)] - m);
      const Real lse = log(sum_exp) + m;
      std::vector<Real> t(static_cast<std::size_t>(l.classes));
      Real mass = 0;
      for (std::int64_t j = 0; j < l.classes; ++j) {
        const Real& wj = w[static_cast<std::size_t>(j)];
        t[static_cast<std::size_t>(j)] =
            ignored ? Real(0)
            : indices ? (1 - eps) * wj * (j == y[static_cast<std::size_t>(i)] ? 1 : 0) + eps / classes * wj
                      : wj * ((1 - eps) * q[l.offset(i, j)] + eps / classes);
        mass += t[static_cast<std::size_t>(j)];
      }
      Real row_sum = 0, row_magnitude = 0;
      for (std::int64_t j = 0; j < l.classes; ++j) {
        const Real p = exp(z[l.offset(i, j)] - lse);
        const Real expected = (mass * p - t[static_cast<std::size_t>(j)]) * scale;
        const Real g = grad[l.offset(i, j)];
        RC_ASSERT(abs(g - expected) <= tolerance * (abs(expected) + (mass + 1) * scale));
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
    // float64 logits span 2^-1074 (subnormals) to 2^14 (1e4): a shift by a small
    // dyadic is exact in 1100 bits, so at 1280 the shifted logits are exact too.
    constexpr unsigned kShiftBits = 1280;
    ScopedPrecision precision(kShiftBits);
    const double shift = *rc::gen::element(0.5, -3.0, 1024.0, -0.125);
    const auto before = catalog::evaluate_at(cross_entropy(), c, kShiftBits);
    c.inputs.insert_or_assign("logits", c.inputs.at("logits").map<Real>([shift](const Real& x) {
      return Real(at_working_precision(x) + Real(shift));
    }));
    const auto after = catalog::evaluate_at(cross_entropy(), c, kShiftBits);
    RC_ASSERT(before.at("loss").values() == after.at("loss").values());
    RC_ASSERT(before.at("grad_logits").values() == after.at("grad_logits").values());
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace gradref::properties
