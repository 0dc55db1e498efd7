// The multi-tensor step (fast/rules/multi_tensor.hpp) on a transformer-like list of
// tensors, many small (layer norms, biases) and a few large (embedding, matrices),
// all in one group: Adam as one multi-tensor call ("multi") and as a loop of
// single-tensor calls ("loop"), each timed alternately with the same floor
// (against_floor.hpp): rule_floor over the tensors' concatenation, i.e. the same bytes
// in one pass. The tensors are slices of one allocation per array kind (as fused
// optimizers flatten them), so the floor and both calls touch the same memory.
//   width 512: 51 tensors, 2^24.0 elements (memory-bound);
//   width 64: 51 tensors, 2^19.5 elements (in L3, where a thread launch per
//   tensor shows);
//   1024 x 2^14 (2^24): each tensor under the thread grain, so a loop runs each on
//   one thread, while the multi-tensor call splits the list across threads;
//   256 x 2^16 (2^24): each tensor split across threads, a launch per tensor in a loop.
// multi_vs_loop times the call against the loop instead (of_floor = the speedup).
// Names: multi_tensor/adam/f32/{multi,loop,multi_vs_loop}/{d64,d512,1024x2^14,256x2^16}.
#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

#include "against_floor.hpp"
#include "floors.hpp"
#include "gradref/fast/rules/adam.hpp"
#include "gradref/fast/rules/multi_tensor.hpp"
#include "inputs.hpp"
#include "sizes.hpp"

namespace gradref::bench {
namespace {

/// Element counts of a GPT-like model of width d: an 8192-token embedding, 4 blocks
/// (layer norm weight and bias, QKV, attention output, MLP 4d up and down, with
/// biases), the final layer norm.
std::vector<std::int64_t> transformer_sizes(std::int64_t d) {
  std::vector<std::int64_t> sizes{8192 * d};
  for (int block = 0; block < 4; ++block)
    for (const std::int64_t n : {d, d, d * 3 * d, 3 * d, d * d, d, d, d, d * 4 * d, 4 * d, 4 * d * d, d})
      sizes.push_back(n);
  sizes.push_back(d);
  sizes.push_back(d);
  return sizes;
}

/// multi: the multi-tensor call against the floor; loop: single-tensor calls against
/// the floor; multi_vs_loop: the multi-tensor call against the loop (of_floor = loop
/// time / multi time, the speedup, both timed alternately in the same run).
enum class Mode { multi, loop, multi_vs_loop };

template <class T>
void adam_list(benchmark::State& state, const std::vector<std::int64_t>& sizes, Mode mode) {
  const spec::Adam spec;
  std::int64_t total = 0;
  for (const std::int64_t n : sizes) total += n;
  Array<T> param(total, -1.0, 1.0, 1), grad(total, -1e-2, 1e-2, 2), m(total, 0.0, 1e-4, 3), v(total, 0.0, 1e-4, 4);
  std::vector<fast::RuleGroup<spec::Adam, T>> groups{{spec, {}}};
  std::int64_t at = 0;
  for (const std::int64_t n : sizes) {
    const auto slice = [&](Array<T>& a) { return a.span().subspan(static_cast<std::size_t>(at), static_cast<std::size_t>(n)); };
    fast::RuleBuffers<T> b;
    b.param = slice(param);
    b.grads = slice(grad);
    b.slots = {slice(m), slice(v)};
    groups[0].tensors.push_back(b);
    at += n;
  }
  const std::vector<T*> updated{param.data.get(), m.data.get(), v.data.get()};
  const Work work{total, 7 * total * static_cast<std::int64_t>(sizeof(T)), 0};  // 4 reads, 3 writes
  const auto multi = [&] { fast::step(groups); };
  const auto loop = [&] {
    for (auto& b : groups[0].tensors) fast::step(spec, b);
  };
  const auto floor = [&] { rule_floor<T>(updated, grad.data.get(), total); };
  if (mode == Mode::multi) against_floor(state, work, multi, floor);
  else if (mode == Mode::loop) against_floor(state, work, loop, floor);
  else against_floor(state, work, multi, loop);
  state.counters["tensors"] = static_cast<double>(sizes.size());
}

[[maybe_unused]] const bool registered = [] {
  const std::vector<std::pair<std::string, std::vector<std::int64_t>>> lists{
      {"d64", transformer_sizes(64)},
      {"d512", transformer_sizes(512)},
      {"1024x2^14", std::vector<std::int64_t>(1024, 1 << 14)},  // each under the thread grain
      {"256x2^16", std::vector<std::int64_t>(256, 1 << 16)},    // each split across threads
  };
  for (const auto& [name, sizes] : lists)
    for (const auto& [mode, label] : {std::pair{Mode::multi, "multi"}, std::pair{Mode::loop, "loop"},
                                      std::pair{Mode::multi_vs_loop, "multi_vs_loop"}})
      benchmark::RegisterBenchmark(("multi_tensor/adam/f32/" + std::string(label) + "/" + name).c_str(),
                                   [sizes, mode](benchmark::State& state) { adam_list<float>(state, sizes, mode); })
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
  return true;
}();

}  // namespace
}  // namespace gradref::bench
