// Fast softmax cross-entropy (forward + gradient, mean reduction), float32, on
// [64, 50000] logits (a language-model vocabulary), beside its floor.
// Bytes model: the minimal traffic of any implementation, one read of the logits and
// one write of the gradient, 2 * N * C * 4 bytes, for both the kernel and the floor.
// The kernel really moves 5 * N * C elements (logits read by the max and exp passes,
// exp values written to the gradient and read back by the last pass), mostly from
// cache when a row fits, and computes one exp per logit; counting the minimal
// traffic for both makes the ratio of their bytes_per_second the kernel's distance
// from the memory floor, passes and exp cost included.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>

#include "floors.hpp"
#include "gradref/fast/losses/cross_entropy.hpp"
#include "inputs.hpp"

namespace gradref::bench {
namespace {

constexpr std::int64_t kRows = 64, kClasses = 50000;

void count(benchmark::State& state) {
  state.SetBytesProcessed(state.iterations() * 2 * kRows * kClasses * static_cast<std::int64_t>(sizeof(float)));
  state.SetItemsProcessed(state.iterations() * kRows * kClasses);
  state.SetLabel(machine_label());
}

void cross_entropy_f32(benchmark::State& state) {
  const std::vector<float> logits = normal_values(kRows * kClasses, 3.0, 5);
  std::vector<std::int64_t> target(kRows);
  std::mt19937_64 rng(6);
  for (std::int64_t& y : target) y = static_cast<std::int64_t>(rng() % kClasses);
  std::vector<float> loss(1), grad(logits.size());
  const spec::CrossEntropy spec;  // mean
  for (auto _ : state) {
    fast::cross_entropy<float>(spec, {logits, {kRows, kClasses}, target, {}, {kRows}, {}, false}, {loss, grad, {}});
    benchmark::ClobberMemory();
  }
  count(state);
}

void cross_entropy_f32_floor(benchmark::State& state) {
  const std::vector<float> logits = normal_values(kRows * kClasses, 3.0, 5);
  std::vector<float> grad(logits.size());
  for (auto _ : state) {
    cross_entropy_floor(logits, kRows, kClasses, grad);
    benchmark::ClobberMemory();
  }
  count(state);
}

BENCHMARK(cross_entropy_f32)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(cross_entropy_f32_floor)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace gradref::bench
