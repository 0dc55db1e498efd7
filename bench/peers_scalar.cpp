// The first thing a user writes: a plain C++ loop per update rule and for softmax
// cross-entropy, float32, one thread, the textbook (PyTorch) formulas with the
// per-step scalars hoisted, compiled with the project's release flags and nothing
// else (no -ffast-math, no -march: std::sqrt's errno path and possible aliasing
// are the compiler's to deal with, as in user code). Same sizes, inputs and bytes
// model as the fast kernels, so bench/ratios.py can divide the times.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "against_floor.hpp"
#include "inputs.hpp"
#include "sizes.hpp"

namespace gradref::bench {
namespace {

// PyTorch's defaults, as the fast benchmarks use them.
constexpr float kBeta1 = 0.9f, kBeta2 = 0.999f, kAdamEps = 1e-8f, kAdamLr = 1e-3f, kAdamWDecay = 1e-2f;
constexpr float kRmspropLr = 1e-2f, kAlpha = 0.99f, kRmspropEps = 1e-8f;
constexpr float kAdagradLr = 1e-2f, kAdagradEps = 1e-10f;

/// Adam, or AdamW (decoupled decay: p *= 1 - lr wd first) when kDecoupledDecay.
template <bool kDecoupledDecay>
void adam(float* p, const float* g, float* m, float* v, std::int64_t n, std::int64_t t) {
  const float bc1 = 1 - std::pow(kBeta1, static_cast<float>(t)), bc2 = 1 - std::pow(kBeta2, static_cast<float>(t));
  for (std::int64_t i = 0; i < n; ++i) {
    if constexpr (kDecoupledDecay) p[i] *= 1 - kAdamLr * kAdamWDecay;
    m[i] = kBeta1 * m[i] + (1 - kBeta1) * g[i];
    v[i] = kBeta2 * v[i] + (1 - kBeta2) * g[i] * g[i];
    const float m_hat = m[i] / bc1, v_hat = v[i] / bc2;
    p[i] -= kAdamLr * m_hat / (std::sqrt(v_hat) + kAdamEps);
  }
}

void rmsprop(float* p, const float* g, float* square_avg, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    square_avg[i] = kAlpha * square_avg[i] + (1 - kAlpha) * g[i] * g[i];
    p[i] -= kRmspropLr * g[i] / (std::sqrt(square_avg[i]) + kRmspropEps);
  }
}

void adagrad(float* p, const float* g, float* sum, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    sum[i] += g[i] * g[i];
    p[i] -= kAdagradLr * g[i] / (std::sqrt(sum[i]) + kAdagradEps);
  }
}

/// Mean loss; grad = (softmax(z) - onehot(y)) / rows.
float cross_entropy(const float* z, const std::int64_t* y, std::int64_t rows, std::int64_t classes, float* grad) {
  float loss = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* row = z + r * classes;
    float* g = grad + r * classes;
    float max = row[0];
    for (std::int64_t j = 1; j < classes; ++j) max = std::max(max, row[j]);
    float sum = 0;
    for (std::int64_t j = 0; j < classes; ++j) {
      g[j] = std::exp(row[j] - max);
      sum += g[j];
    }
    loss += std::log(sum) + max - row[y[r]];
    for (std::int64_t j = 0; j < classes; ++j) g[j] = g[j] / sum / static_cast<float>(rows);
    g[y[r]] -= 1.0f / static_cast<float>(rows);
  }
  return loss / static_cast<float>(rows);
}

/// Times step(p, g, slots, n, t) with the fast benchmarks' inputs (rules.cpp).
template <class Step>
void scalar_rule(benchmark::State& state, std::int64_t n, int slots, Step step) {
  Array<float> param(n, -1.0, 1.0, 1), grad(n, -1e-2, 1e-2, 2);
  std::vector<Array<float>> state_arrays;
  for (int s = 0; s < slots; ++s) state_arrays.emplace_back(n, 0.0, 1e-4, 3 + static_cast<std::uint64_t>(s));
  std::vector<float*> slot_data;
  for (auto& s : state_arrays) slot_data.push_back(s.data.get());
  std::int64_t t = 0;
  for (auto _ : state) {
    step(param.data.get(), grad.data.get(), slot_data.data(), n, ++t);
    benchmark::ClobberMemory();
  }
  count_work(state, Work{n, (2 * (1 + slots) + 1) * n * static_cast<std::int64_t>(sizeof(float)), 0});
}

template <class Step>
void register_scalar_rule(const char* rule, int slots, Step step) {
  for (const int log2 : kRuleLog2Sizes)
    benchmark::RegisterBenchmark(rule_name(rule, "f32", "scalar", log2).c_str(),
                                 [=](benchmark::State& state) {
                                   scalar_rule(state, std::int64_t{1} << log2, slots, step);
                                 })
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
}

void scalar_cross_entropy(benchmark::State& state, const LogitsShape& s) {
  const std::int64_t elements = s.rows * s.classes;
  Array<float> logits(elements, -6.0, 6.0, 5), grad(elements);
  std::vector<std::int64_t> target(static_cast<std::size_t>(s.rows));
  for (std::int64_t r = 0; r < s.rows; ++r)
    target[static_cast<std::size_t>(r)] =
        static_cast<std::int64_t>(hash_index(6, static_cast<std::uint64_t>(r)) % static_cast<std::uint64_t>(s.classes));
  cross_entropy(logits.data.get(), target.data(), s.rows, s.classes, grad.data.get());  // first touch of grad
  for (auto _ : state) {
    benchmark::DoNotOptimize(cross_entropy(logits.data.get(), target.data(), s.rows, s.classes, grad.data.get()));
    benchmark::ClobberMemory();
  }
  count_work(state, Work{elements, 2 * elements * static_cast<std::int64_t>(sizeof(float)), 0});
}

[[maybe_unused]] const bool registered = [] {
  register_scalar_rule("adam", 2, [](float* p, const float* g, float* const* s, std::int64_t n, std::int64_t t) {
    adam<false>(p, g, s[0], s[1], n, t);
  });
  register_scalar_rule("adamw", 2, [](float* p, const float* g, float* const* s, std::int64_t n, std::int64_t t) {
    adam<true>(p, g, s[0], s[1], n, t);
  });
  register_scalar_rule("rmsprop", 1, [](float* p, const float* g, float* const* s, std::int64_t n, std::int64_t) {
    rmsprop(p, g, s[0], n);
  });
  register_scalar_rule("adagrad", 1, [](float* p, const float* g, float* const* s, std::int64_t n, std::int64_t) {
    adagrad(p, g, s[0], n);
  });
  for (const LogitsShape& s : kCrossEntropyShapes)
    benchmark::RegisterBenchmark(logits_name("f32", "scalar", s).c_str(),
                                 [s](benchmark::State& state) { scalar_cross_entropy(state, s); })
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  return true;
}();

}  // namespace
}  // namespace gradref::bench
