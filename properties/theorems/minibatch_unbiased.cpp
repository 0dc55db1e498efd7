// The mini-batch gradient is an unbiased estimate of the full-data gradient (issue 6),
// checked in Real on the reference autoregressive model: over a data set of M rows
// (M = 3 to 6), the average of the batch objective's gradient
//   grad L(theta | S) = (1/|S|) sum_{x in S} grad log p(x)
// over ALL C(M, B) subsets S of size B (batches drawn uniformly without replacement),
// enumerated exactly, equals the full gradient grad L(theta | D) = (1/M) sum_x grad
// log p(x); so does the average of the batch log-likelihood. Each example lies in
// C(M-1, B-1) subsets and C(M-1, B-1) / (B C(M, B)) = 1/M.
//
// Tolerance. Each call computes an example's log p and residuals by the same
// operations at the same precision, so the per-example values q_m are identical in
// every batch and in the full set: only the aggregation rounds. A batch mean rounds at
// most B + 1 times, the sum over the C <= 20 subsets C times and the division once, the
// full mean M + 1 times, each a relative 2^-kBits of a partial sum bounded by the
// scale s = (1/M) sum_m |q_m| (the average of the batch means of |q| is exactly s):
// |average - full| <= (B + C + M + 4) 2^-kBits s < 2^-(kBits - 6) s. The check allows
// 2^-(kBits - 8) s, component by component.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <bit>
#include <cstdint>
#include <functional>
#include <vector>

#include "gradref/catalog/generators.hpp"
#include "gradref/reference/models/autoregressive.hpp"
#include "theorems/theorem_checks.hpp"

namespace gradref::properties::theorems {
namespace {

struct Instance {
  std::int64_t m = 3, b = 1, d = 1;
  std::vector<double> a, W;
  std::vector<std::int64_t> data;  ///< [m, d]
};

/// M from 3 to 6 rows of D = min_d to 4 bits (pairwise distinct when `distinct`, which needs 2^min_d >= 6).
rc::Gen<Instance> instances(std::int64_t min_batch, std::int64_t min_d, bool distinct) {
  return rc::gen::exec([=] {
    Instance x;
    x.m = *rc::gen::inRange<std::int64_t>(std::max<std::int64_t>(3, min_batch + 1), 7);
    x.b = *rc::gen::inRange<std::int64_t>(min_batch, x.m);
    x.d = *rc::gen::inRange<std::int64_t>(min_d, 5);
    const auto value = catalog::gen::ordinary(catalog::Dtype::float64, -2, 1);
    x.a = *catalog::gen::values(x.d, value);
    x.W = *catalog::gen::values(x.d * x.d, value);
    // Distinct rows: codes c0 + k r (mod 2^D) with k odd, invertible mod 2^D, and M <= 2^D.
    const std::int64_t codes = std::int64_t{1} << x.d;
    const std::int64_t c0 = *rc::gen::inRange<std::int64_t>(0, codes);
    const std::int64_t k = distinct ? 2 * *rc::gen::inRange<std::int64_t>(0, codes / 2) + 1 : 0;
    for (std::int64_t r = 0; r < x.m; ++r) {
      const std::int64_t code = distinct ? (c0 + k * r) % codes : *rc::gen::inRange<std::int64_t>(0, codes);
      for (std::int64_t i = 0; i < x.d; ++i) x.data.push_back((code >> i) & 1);
    }
    return x;
  });
}

/// (L, grad_a, grad_W) of the batch of rows `rows`, as one vector.
std::vector<Real> objective(const Instance& x, const std::vector<std::int64_t>& rows) {
  std::vector<std::int64_t> batch;
  for (std::int64_t r : rows)
    batch.insert(batch.end(), x.data.begin() + r * x.d, x.data.begin() + (r + 1) * x.d);
  const auto res = reference::autoregressive(
      spec::Autoregressive{}, catalog::gen::real_array({x.d}, x.a), catalog::gen::real_array({x.d, x.d}, x.W),
      Shape{static_cast<std::int64_t>(rows.size()), x.d}, std::span<const std::int64_t>(batch));
  std::vector<Real> out{res.log_likelihood};
  out.insert(out.end(), res.grad_a.values().begin(), res.grad_a.values().end());
  out.insert(out.end(), res.grad_W.values().begin(), res.grad_W.values().end());
  return out;
}

/// A sampler: the batches it draws, equally likely, each a list of rows.
using Sampler = std::function<std::vector<std::vector<std::int64_t>>(std::int64_t m, std::int64_t b)>;

/// Every subset of size b: uniform sampling without replacement.
std::vector<std::vector<std::int64_t>> all_subsets(std::int64_t m, std::int64_t b) {
  std::vector<std::vector<std::int64_t>> out;
  for (std::uint32_t mask = 0; mask < (1u << m); ++mask) {
    if (std::popcount(mask) != b) continue;
    std::vector<std::int64_t> rows;
    for (std::int64_t r = 0; r < m; ++r)
      if (mask & (1u << r)) rows.push_back(r);
    out.push_back(std::move(rows));
  }
  return out;
}

/// Whether the average over `sampler`'s batches of `estimate` equals the full objective;
/// `estimate` is the batch objective (or a broken one).
bool unbiased(const Instance& x, const Sampler& sampler,
              const std::function<std::vector<Real>(const Instance&, const std::vector<std::int64_t>&)>& estimate) {
  ScopedPrecision precision(kBits);
  std::vector<std::int64_t> everything(static_cast<std::size_t>(x.m));
  for (std::int64_t r = 0; r < x.m; ++r) everything[static_cast<std::size_t>(r)] = r;
  const std::vector<Real> full = objective(x, everything);
  std::vector<Real> scale(full.size(), Real(0));
  for (std::int64_t r = 0; r < x.m; ++r) {
    const std::vector<Real> q = objective(x, {r});
    for (std::size_t k = 0; k < q.size(); ++k) scale[k] += abs(q[k]) / x.m;
  }
  const auto batches = sampler(x.m, x.b);
  std::vector<Real> average(full.size(), Real(0));
  for (const auto& batch : batches) {
    const std::vector<Real> e = estimate(x, batch);
    for (std::size_t k = 0; k < e.size(); ++k) average[k] += e[k];
  }
  for (std::size_t k = 0; k < full.size(); ++k) {
    average[k] /= static_cast<std::int64_t>(batches.size());
    if (abs(average[k] - full[k]) > two_to_minus(kBits - 8) * scale[k]) return false;
  }
  return true;
}

RC_GTEST_PROP(MinibatchUnbiased, AverageOverAllBatchesIsTheFullGradient, ()) {
  const Instance x = *instances(1, 1, false);
  RC_ASSERT(unbiased(x, all_subsets, objective));
}

/// The broken estimators and samplers: the batch gradient summed instead of averaged
/// (the missing 1/|B|: its average is B times the full gradient), and batches drawn as
/// windows of B consecutive rows at a uniform offset in [0, M - B] (the first and last
/// rows fall in fewer windows than the middle ones).
TEST(MinibatchUnbiased, FailsForASummedGradientOrWindowedBatches) {
  constexpr int kCases = 100;
  const auto cases = instances(2, 3, true);
  const int summed = failures(cases, kCases, [](const Instance& x) {
    return unbiased(x, all_subsets, [](const Instance& y, const std::vector<std::int64_t>& rows) {
      std::vector<Real> e = objective(y, rows);
      for (std::size_t k = 1; k < e.size(); ++k) e[k] *= static_cast<std::int64_t>(rows.size());
      return e;
    });
  });
  const Sampler windows = [](std::int64_t m, std::int64_t b) {
    std::vector<std::vector<std::int64_t>> out;
    for (std::int64_t start = 0; start + b <= m; ++start) {
      std::vector<std::int64_t> rows;
      for (std::int64_t r = start; r < start + b; ++r) rows.push_back(r);
      out.push_back(std::move(rows));
    }
    return out;
  };
  const int windowed = failures(cases, kCases, [&windows](const Instance& x) { return unbiased(x, windows, objective); });
  std::cout << "  summed gradient: " << summed << "/" << kCases << " fail; windowed batches: " << windowed << "/"
            << kCases << " fail\n";
  EXPECT_EQ(summed, kCases);
  EXPECT_EQ(windowed, kCases);
  // And the check passes the right estimator on these very cases.
  EXPECT_EQ(failures(cases, kCases, [](const Instance& x) { return unbiased(x, all_subsets, objective); }), 0);
}

}  // namespace
}  // namespace gradref::properties::theorems
