#pragma once
// Times a kernel and its floor alternately inside one benchmark: each iteration runs
// a batch of kernel calls, then the same number of floor calls, on the same arrays,
// each batch timed on its own. The kernel's time per call is the benchmark's
// (manual) time; the floor's goes into counters, and
//   of_floor = floor time / kernel time = kernel rate / floor rate
// is the kernel's share of what the floor reaches. Alternating (rather than two
// benchmarks run one after the other) puts both under the same machine conditions
// (other processes, clock, memory placement) within milliseconds of each other, and
// every repetition gets its own ratio, whose median the aggregates report.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "floors.hpp"

namespace gradref::bench {

/// What one kernel call does: items (elements, rows) and the bytes of its traffic
/// model or the floating-point operations of its products (0 when not counted).
struct Work {
  std::int64_t items = 0;
  std::int64_t bytes = 0;
  std::int64_t flops = 0;
};

/// Calls per timed batch: enough for about 4 MB of traffic, so that the clock's
/// cost (tens of nanoseconds) stays below 1% for cache-resident sizes.
inline std::int64_t batch_for(const Work& w) {
  constexpr std::int64_t kBatchBytes = std::int64_t{4} << 20;
  return w.bytes > 0 ? std::max<std::int64_t>(1, kBatchBytes / w.bytes) : 1;
}

/// Sets items_per_second and bytes_per_second from the benchmark's time (the manual
/// time under UseManualTime), and the label; for peers and for against_floor.
inline void count_work(benchmark::State& state, const Work& w) {
  state.SetItemsProcessed(state.iterations() * w.items);
  if (w.bytes > 0) state.SetBytesProcessed(state.iterations() * w.bytes);
  state.SetLabel(machine_label());
}

template <class Kernel, class Floor>
void against_floor(benchmark::State& state, const Work& w, Kernel&& kernel, Floor&& floor) {
  using Clock = std::chrono::steady_clock;
  const std::int64_t batch = batch_for(w);
  // One untimed call of each: first touches of output pages, the thread pool's
  // start, the dispatch's first resolution stay out of the measurement.
  kernel();
  floor();
  double kernel_seconds = 0, floor_seconds = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    for (std::int64_t k = 0; k < batch; ++k) kernel();
    benchmark::ClobberMemory();
    const auto kernel_done = Clock::now();
    for (std::int64_t k = 0; k < batch; ++k) floor();
    benchmark::ClobberMemory();
    const auto floor_done = Clock::now();
    const double k_s = std::chrono::duration<double>(kernel_done - start).count();
    const double f_s = std::chrono::duration<double>(floor_done - kernel_done).count();
    state.SetIterationTime(k_s / static_cast<double>(batch));
    kernel_seconds += k_s;
    floor_seconds += f_s;
  }
  count_work(state, w);
  const double calls = static_cast<double>(state.iterations()) * static_cast<double>(batch);
  state.counters["of_floor"] = floor_seconds / kernel_seconds;
  if (w.bytes > 0) state.counters["floor_bytes_per_second"] = calls * static_cast<double>(w.bytes) / floor_seconds;
  if (w.flops > 0) {
    state.counters["flop_per_second"] = calls * static_cast<double>(w.flops) / kernel_seconds;
    state.counters["floor_flop_per_second"] = calls * static_cast<double>(w.flops) / floor_seconds;
  }
}

}  // namespace gradref::bench
