// Fast softmax cross-entropy (forward + gradient, mean reduction, class-index
// targets), float32, at the shapes of sizes.hpp, each timed alternately with its
// floor (against_floor.hpp):
//  - cross_entropy: out of place (logits in, gradient out). The floor is a copy: one
//    read of the logits and one write of the gradient per element, 2 * 4 bytes counted
//    for both (a write also reads its line first unless the store streams, which the
//    floor's stores do not: on DRAM that is the "2 reads + 1 write", identical
//    for kernel and floor).
//  - cross_entropy_in_place: the gradient overwrites the logits. The floor reads and
//    writes the same buffer: 1 read + 1 write per element, 2 * 4 bytes counted. After
//    the first call the logits are the previous call's gradient; the kernel's work
//    does not depend on the values (branch-free exp, every row finite).
// The kernel reads each block of 1024 logits three times while it is in L1 (max,
// first max, exp) and the row's stored exps once more (the gradient pass, from L2
// for vocabulary-sized rows): of_floor is its distance from the copy, exps included.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "against_floor.hpp"
#include "floors.hpp"
#include "gradref/fast/losses/cross_entropy.hpp"
#include "inputs.hpp"
#include "sizes.hpp"

namespace gradref::bench {
namespace {

/// Logits uniform in [-6, 6) and a class index per row.
struct LogitsAndTargets {
  explicit LogitsAndTargets(const LogitsShape& s) : logits(s.rows * s.classes, -6.0, 6.0, 5), target(s.rows) {
    for (std::int64_t r = 0; r < s.rows; ++r)
      target[static_cast<std::size_t>(r)] =
          static_cast<std::int64_t>(hash_index(6, static_cast<std::uint64_t>(r)) % static_cast<std::uint64_t>(s.classes));
  }
  Array<float> logits;
  std::vector<std::int64_t> target;
};

void cross_entropy_against_floor(benchmark::State& state, const LogitsShape& s) {
  const LogitsAndTargets in(s);
  Array<float> grad(s.rows * s.classes);
  std::vector<float> loss(1);
  const spec::CrossEntropy spec;  // mean, no weights, no smoothing
  const fast::CrossEntropyInputs<float> inputs{in.logits.view(), {s.rows, s.classes}, in.target, {}, {s.rows}, {},
                                              false};
  const fast::CrossEntropyOutputs<float> outputs{loss, grad.span(), {}};
  const std::int64_t elements = s.rows * s.classes;
  against_floor(
      state, Work{elements, 2 * elements * static_cast<std::int64_t>(sizeof(float)), 0},
      [&] { fast::cross_entropy<float>(spec, inputs, outputs); },
      [&] { cross_entropy_floor(in.logits.view(), s.rows, s.classes, grad.span()); });
}

void cross_entropy_in_place_against_floor(benchmark::State& state, const LogitsShape& s) {
  LogitsAndTargets in(s);
  std::vector<float> loss(1);
  const spec::CrossEntropy spec;
  const std::span<float> logits = in.logits.span();
  const fast::CrossEntropyInputs<float> inputs{logits, {s.rows, s.classes}, in.target, {}, {s.rows}, {}, false};
  const fast::CrossEntropyOutputs<float> outputs{loss, logits, {}};
  const std::int64_t elements = s.rows * s.classes;
  against_floor(
      state, Work{elements, 2 * elements * static_cast<std::int64_t>(sizeof(float)), 0},
      [&] { fast::cross_entropy<float>(spec, inputs, outputs); }, [&] { cross_entropy_in_place_floor(logits); });
}

[[maybe_unused]] const bool registered = [] {
  for (const LogitsShape& s : kCrossEntropyShapes) {
    benchmark::RegisterBenchmark(logits_name("f32", "fast", s).c_str(),
                                 [s](benchmark::State& state) { cross_entropy_against_floor(state, s); })
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(logits_name("f32", "fast", s, "cross_entropy_in_place").c_str(),
                                 [s](benchmark::State& state) { cross_entropy_in_place_against_floor(state, s); })
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace
}  // namespace gradref::bench
