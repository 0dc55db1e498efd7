// Fast Adam, float32, one step per iteration, beside its floor.
// Bytes model: per element and step 4 arrays read (param, grad, exp_avg, exp_avg_sq)
// and 3 written (param, exp_avg, exp_avg_sq): 7 * 4 = 28 bytes. The floor moves the
// same bytes, so the ratio of the two bytes_per_second is the kernel's share of the
// machine's bandwidth (write-allocate traffic, if any, is the same for both).
#include <benchmark/benchmark.h>

#include <cmath>

#include "floors.hpp"
#include "gradref/fast/rules/adam.hpp"
#include "inputs.hpp"

namespace gradref::bench {
namespace {

constexpr std::int64_t kAdamBytesPerElement = 7 * sizeof(float);

struct AdamInputs {
  explicit AdamInputs(std::int64_t n)
      : param(normal_values(n, 1.0, 1)), grad(normal_values(n, 1e-2, 2)), exp_avg(normal_values(n, 1e-3, 3)),
        exp_avg_sq(normal_values(n, 1e-4, 4)) {
    for (float& v : exp_avg_sq) v = std::abs(v);
  }
  std::vector<float> param, grad, exp_avg, exp_avg_sq;
};

void count(benchmark::State& state, std::int64_t n) {
  state.SetBytesProcessed(state.iterations() * n * kAdamBytesPerElement);
  state.SetItemsProcessed(state.iterations() * n);
  state.SetLabel(machine_label());
}

void adam_f32(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  AdamInputs in(n);
  const spec::Adam spec;  // PyTorch defaults
  fast::RuleBuffers<float> buffers{in.param, in.grad, {in.exp_avg, in.exp_avg_sq}, {}, 0};
  for (auto _ : state) {
    fast::step(spec, buffers);
    benchmark::ClobberMemory();
  }
  count(state, n);
}

void adam_f32_floor(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  AdamInputs in(n);
  for (auto _ : state) {
    adam_floor(in.param, in.grad, in.exp_avg, in.exp_avg_sq);
    benchmark::ClobberMemory();
  }
  count(state, n);
}

// Each size's kernel and floor are registered next to each other so that they run
// (and print) side by side, under the same machine conditions. 1 << 14 elements stay
// in cache: that size measures the kernel's arithmetic and loop, not the memory.
BENCHMARK(adam_f32)->Arg(1 << 14)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(adam_f32_floor)->Arg(1 << 14)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(adam_f32)->Arg(1 << 20)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(adam_f32_floor)->Arg(1 << 20)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(adam_f32)->Arg(1 << 24)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(adam_f32_floor)->Arg(1 << 24)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace gradref::bench
