// The bfloat16 error model is sound and not vacuous: straightforward bfloat16
// implementations of mse, Adam and cross entropy, emulated in float with every
// result rounded to bfloat16 (as PyTorch's bfloat16 kernels compute in float and
// round), stay within the bounds on every case; the same implementations with a
// real bug are rejected on some. And every float32 kernel, its outputs rounded to
// bfloat16, is a bfloat16 implementation within the bounds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>

#include "gradref/catalog/json.hpp"
#include "gradref/testing/testing.hpp"

namespace gradref::testing {
namespace {

/// Round to nearest even into bfloat16 on the bits (independent of gradref's
/// round_to_bfloat16): overflow carries into the exponent and gives infinity.
float bf(float x) {
  if (std::isnan(x)) return x;
  std::uint32_t u = std::bit_cast<std::uint32_t>(x);
  u += 0x7fffu + ((u >> 16) & 1u);
  return std::bit_cast<float>(u & 0xffff0000u);
}

enum class Bug { none, expanded_square, eps_inside_sqrt, softmax_minus_one, count_for_weights };

/// mse: d = x - y, loss = d^2 summed in a float accumulator (/ n), grad = d (2 / n);
/// the bug forms d^2 as x^2 - 2xy + y^2.
Outputs<float> my_mse(const Case& c, Bug bug) {
  const std::vector<float> x = input<float>(c, "input"), y = input<float>(c, "target");
  const std::string reduction = choice(c, "reduction");
  const auto n = static_cast<double>(x.size());
  const float scale = static_cast<float>(reduction == "mean" ? 2 / n : 2.0);  // an opmath scalar, as PyTorch keeps it
  std::vector<float> loss, gx, gy;
  float total = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float d = bf(x[i] - y[i]);
    const float sq = bug == Bug::expanded_square ? bf(bf(bf(x[i] * x[i]) - bf(bf(2 * x[i]) * y[i])) + bf(y[i] * y[i]))
                                                 : bf(d * d);
    loss.push_back(sq);
    total += sq;
    gx.push_back(bf(d * scale));
    gy.push_back(-gx.back());
  }
  if (reduction == "sum") loss = {bf(total)};
  if (reduction == "mean") loss = {bf(bf(total) / static_cast<float>(n))};
  return {{"loss", loss}, {"grad_input", gx}, {"grad_target", gy}};
}

/// PyTorch's Adam (eps outside the root of the corrected v), scalars in double,
/// constants held as float; the bug puts eps inside the root.
Outputs<float> my_adam(const Case& c, Bug bug) {
  const double lr = number(c, "lr"), b1 = number(c, "beta1"), b2 = number(c, "beta2"), eps = number(c, "eps");
  std::vector<float> p = input<float>(c, "param"), m = input<float>(c, "exp_avg"), v = input<float>(c, "exp_avg_sq");
  const std::vector<float> grads = input<float>(c, "grad");
  auto step = static_cast<std::int64_t>(input<double>(c, "step")[0]);
  for (std::size_t k = 0; k < grads.size() / p.size(); ++k) {
    ++step;
    const double bc1 = 1 - std::pow(b1, static_cast<double>(step)), bc2 = 1 - std::pow(b2, static_cast<double>(step));
    const float step_size = static_cast<float>(lr / bc1), bc2_sqrt = static_cast<float>(std::sqrt(bc2));
    for (std::size_t i = 0; i < p.size(); ++i) {
      const float g = grads[k * p.size() + i];
      m[i] = bf(bf(static_cast<float>(b1) * m[i]) + bf(static_cast<float>(1 - b1) * g));
      v[i] = bf(bf(static_cast<float>(b2) * v[i]) + bf(bf(static_cast<float>(1 - b2) * g) * g));
      const float denom = bug == Bug::eps_inside_sqrt
                              ? bf(std::sqrt(bf(bf(v[i] / static_cast<float>(bc2)) + static_cast<float>(eps))))
                              : bf(bf(bf(std::sqrt(v[i])) / bc2_sqrt) + static_cast<float>(eps));
      p[i] = bf(p[i] - bf(step_size * bf(m[i] / denom)));
    }
  }
  return {{"param", p}, {"exp_avg", m}, {"exp_avg_sq", v}, {"step", {static_cast<float>(step)}}};
}

/// Cross entropy with class-index targets under PyTorch's conventions (the mean
/// divides by the total weight of the non-ignored targets), in the order docs and
/// reference/losses/cross_entropy_impl.hpp give: m = max z, e_j = exp(z_j - m),
/// r = sum of e_j but the max's, loss = w_y (log1p(r) + (m - z_y)), grad_j = w_y e_j / (r + 1),
/// grad_y = -w_y (r + 1 - e_y) / (r + 1). exp and log1p in float rounded to
/// bfloat16, sums in a float accumulator. Bugs: grad_y as the textbook p_y - 1 in
/// bfloat16 (it cancels where p_y is near 1), and a weighted mean that divides by
/// the count of targets (Keras's normalization, not PyTorch's).
Outputs<float> my_cross_entropy(const Case& c, Bug bug) {
  const std::vector<float> z = input<float>(c, "logits");
  const std::vector<double> target = input<double>(c, "target");
  const Shape s = shape(c, "logits");
  const auto ignore = static_cast<std::int64_t>(number(c, "ignore_index"));
  const bool weighted = c.inputs.contains("weight");
  const std::vector<float> w = weighted ? input<float>(c, "weight") : std::vector<float>();
  const std::int64_t n = s[0], classes = s[1], rest = static_cast<std::int64_t>(z.size()) / (n * classes);
  const std::string reduction = choice(c, "reduction");
  std::vector<float> loss, grad(z.size(), 0.0f), e(static_cast<std::size_t>(classes));
  float total = 0, total_weight = 0;
  int count = 0;
  for (std::int64_t b = 0; b < n; ++b)
    for (std::int64_t q = 0; q < rest; ++q) {
      const auto at = [&](std::int64_t k) { return static_cast<std::size_t>((b * classes + k) * rest + q); };
      const auto y = static_cast<std::int64_t>(target[static_cast<std::size_t>(b * rest + q)]);
      if (y == ignore) {
        loss.push_back(0.0f);
        continue;
      }
      std::int64_t jm = 0;
      for (std::int64_t k = 1; k < classes; ++k)
        if (z[at(k)] > z[at(jm)]) jm = k;
      const float m = z[at(jm)];
      float r = 0;
      for (std::int64_t k = 0; k < classes; ++k) {
        e[static_cast<std::size_t>(k)] = k == jm ? 1.0f : bf(std::exp(bf(z[at(k)] - m)));
        if (k != jm) r += e[static_cast<std::size_t>(k)];
      }
      r = bf(r);
      const float sum = bf(r + 1), inv = bf(1 / sum);
      const float log_sum = bf(std::log1p(r));
      const float a = weighted ? w[static_cast<std::size_t>(y)] : 1.0f;
      loss.push_back(bf(a * bf(log_sum + bf(m - z[at(y)]))));
      total += loss.back();
      total_weight += a;
      ++count;
      for (std::int64_t k = 0; k < classes; ++k) {
        const float ek = e[static_cast<std::size_t>(k)];
        if (k != y)
          grad[at(k)] = bf(bf(ek * a) * inv);
        else if (bug == Bug::softmax_minus_one)
          grad[at(k)] = bf(a * bf(bf(ek * inv) - 1));
        else
          grad[at(k)] = bf(-bf(a * (y == jm ? r : bf(sum - ek))) * inv);
      }
    }
  if (reduction == "mean") {
    const float divisor = bug == Bug::count_for_weights ? static_cast<float>(count) : bf(total_weight);
    const float scale = bf(1 / divisor);
    for (float& g : grad) g = bf(g * scale);
    loss = {bf(bf(total) / divisor)};
  } else if (reduction == "sum") {
    loss = {bf(total)};
  }
  return {{"loss", loss}, {"grad_logits", grad}};
}

struct Tally {
  int cases = 0, passed = 0;
  double worst_ratio = 0;
};

template <class Run>
Tally run_cases(const std::string& op, const std::vector<std::string>& vary, Bug bug, Run run, int count) {
  Tally t;
  for (const Case& c : sample(cases(op, Dtype::bfloat16, "pytorch", vary), count, 20261129)) {
    const Verdict v = check(c, Dtype::bfloat16, widen(run(c, bug)));
    ++t.cases;
    t.passed += v.passed;
    if (v.passed) t.worst_ratio = std::max(t.worst_ratio, v.comparison.worst_ratio);
    if (!v.passed && bug == Bug::none) ADD_FAILURE() << v.message;
  }
  constexpr const char* names[] = {"", " expanded_square", " eps_inside_sqrt", " softmax_minus_one",
                                   " count_for_weights"};
  std::cout << op << names[static_cast<int>(bug)] << ": " << t.passed << "/" << t.cases
            << " within the bfloat16 bounds, worst error/bound of those " << t.worst_ratio << "\n";
  return t;
}

constexpr int kCases = 200;

TEST(Bfloat16, MseWithinBoundsAndTheExpandedSquareRejected) {
  const Tally ok = run_cases("mse", {}, Bug::none, my_mse, kCases);
  EXPECT_EQ(ok.passed, ok.cases);
  EXPECT_GT(ok.worst_ratio, 0.01);  // the bound is not orders of magnitude above what rounding does
  EXPECT_LT(run_cases("mse", {}, Bug::expanded_square, my_mse, kCases).passed, kCases);
}

TEST(Bfloat16, AdamWithinBoundsAndEpsInsideTheRootRejected) {
  const std::vector<std::string> vary = {"lr", "beta1", "beta2", "eps"};
  const Tally ok = run_cases("adam", vary, Bug::none, my_adam, kCases);
  EXPECT_EQ(ok.passed, ok.cases);
  EXPECT_GT(ok.worst_ratio, 0.01);
  EXPECT_LT(run_cases("adam", vary, Bug::eps_inside_sqrt, my_adam, kCases).passed, kCases);
}

TEST(Bfloat16, CrossEntropyWithinBoundsAndTwoBugsRejected) {
  const Tally ok = run_cases("cross_entropy", {}, Bug::none, my_cross_entropy, kCases);
  EXPECT_EQ(ok.passed, ok.cases);
  EXPECT_GT(ok.worst_ratio, 0.01);
  EXPECT_LT(run_cases("cross_entropy", {}, Bug::softmax_minus_one, my_cross_entropy, kCases).passed, kCases);
  EXPECT_LT(run_cases("cross_entropy", {}, Bug::count_for_weights, my_cross_entropy, kCases).passed, kCases);
}

}  // namespace
}  // namespace gradref::testing

namespace gradref::testing {
namespace {

// Every op with a float32 kernel: the kernel's outputs on bfloat16 cases, rounded
// to bfloat16, are a bfloat16 implementation (float32's rounding errors are 2^-16
// of bfloat16's), so they must lie within the bfloat16 bounds.
TEST(Bfloat16, Float32KernelsRoundedToBfloat16AreWithinBounds) {
  int checked = 0;
  for (const catalog::Entry* entry : catalog::all()) {
    if (!entry->fast) continue;
    double worst = 0;
    for (const Case& c : sample(catalog::generator_for(*entry, Dtype::bfloat16), 20, 7)) {
      catalog::NamedArrays<double> out = entry->fast(c, Dtype::float32);
      // Rounded: float32 outputs; kept: integers (step counters) and the scalars a
      // kernel computes in double (Armijo's step), which the model takes as double.
      for (auto& [name, array] : out)
        array = array.map<double>([](double x) {
          return static_cast<double>(static_cast<float>(x)) == x ? static_cast<double>(round_to_bfloat16(exact(x))) : x;
        });
      for (const catalog::Port& p : entry->outputs)
        if (p.integer)
          for (auto& [name, array] : out)
            if (catalog::port_matches(p, name)) array = entry->fast(c, Dtype::float32).at(name);
      const catalog::Comparison v = catalog::compare(*entry, c, Dtype::bfloat16, out);
      EXPECT_TRUE(v.passed) << entry->name << ": " << v.describe() << "\n" << catalog::case_to_json(c).dump();
      worst = std::max(worst, v.worst_ratio);
      ++checked;
    }
    std::cout << entry->name << ": worst error/bound " << worst << "\n";
  }
  std::cout << checked << " cases of float32 kernels rounded to bfloat16\n";
}

}  // namespace
}  // namespace gradref::testing
