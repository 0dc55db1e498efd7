// Every fast update rule of the catalog, float32 and float64, one step per call, at
// 2^12 (in L1/L2: the arithmetic and loop), 2^16 (L2), 2^20 (L3), 2^24 and 2^26
// elements (memory), each timed alternately with its floor (against_floor.hpp).
// Bytes model per element and step: reads of param, grad and every state slot,
// writes of param and every state slot: (2 + slots) reads + (1 + slots) writes of T
// (Adam: 4 + 3 = 7). The floor moves exactly these bytes on the kernel's own arrays
// (floors.hpp), so write-allocate traffic, if any, is the same for both.
// Names: <rule>/<dtype>/fast/2^<log2 n>; the peers in peers_scalar.cpp and
// peers_torch.cpp use <rule>/<dtype>/<peer>/2^<log2 n> (bench/ratios.py pairs them).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "against_floor.hpp"
#include "floors.hpp"
#include "gradref/fast/rules/adadelta.hpp"
#include "gradref/fast/rules/adagrad.hpp"
#include "gradref/fast/rules/adam.hpp"
#include "gradref/fast/rules/adamax.hpp"
#include "gradref/fast/rules/adamw.hpp"
#include "gradref/fast/rules/lion.hpp"
#include "gradref/fast/rules/nadam.hpp"
#include "gradref/fast/rules/radam.hpp"
#include "gradref/fast/rules/rmsprop.hpp"
#include "gradref/fast/rules/sgd.hpp"
#include "inputs.hpp"
#include "sizes.hpp"

namespace gradref::bench {
namespace {

/// param, grad and the state slots, valid for every rule: |param| < 1, |grad| < 1e-2,
/// slots in [0, 1e-4) (second moments and accumulators must not be negative).
template <class T>
struct RuleArrays {
  RuleArrays(std::int64_t n, std::size_t slots) : param(n, -1.0, 1.0, 1), grad(n, -1e-2, 1e-2, 2) {
    state.reserve(slots);
    for (std::size_t s = 0; s < slots; ++s) state.emplace_back(n, 0.0, 1e-4, 3 + s);
  }
  Array<T> param, grad;
  std::vector<Array<T>> state;
};

template <class T, class Spec>
void rule_against_floor(benchmark::State& state, const Spec& spec, std::int64_t n) {
  const std::size_t slots = spec::slots(spec).size();
  RuleArrays<T> a(n, slots);
  std::vector<T> scalars(spec::scalar_slots(spec).size(), T(1));  // NAdam's mu_product: 1 at step 0
  fast::RuleBuffers<T> buffers{a.param.span(), a.grad.view(), {}, scalars, 0};
  std::vector<T*> updated{a.param.data.get()};
  for (auto& s : a.state) {
    buffers.slots.push_back(s.span());
    updated.push_back(s.data.get());
  }
  const std::int64_t arrays = 1 + static_cast<std::int64_t>(slots);
  const Work work{n, (arrays + 1 + arrays) * n * static_cast<std::int64_t>(sizeof(T)), 0};
  against_floor(
      state, work, [&] { fast::step(spec, buffers); },
      [&] { rule_floor<T>(updated, a.grad.data.get(), n); });
}

template <class T, class Spec>
void register_rule(const std::string& rule, const Spec& spec) {
  for (const int log2 : kRuleLog2Sizes)
    benchmark::RegisterBenchmark(rule_name(rule, dtype_name<T>(), "fast", log2).c_str(),
                                 [spec, log2](benchmark::State& state) {
                                   rule_against_floor<T>(state, spec, std::int64_t{1} << log2);
                                 })
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
}

template <class T>
void register_rules() {
  // PyTorch's defaults (the specs' defaults), and SGD also with momentum 0.9.
  register_rule<T>("adam", spec::Adam{});
  register_rule<T>("adamw", spec::AdamW{});
  register_rule<T>("sgd", spec::Sgd{});
  spec::Sgd momentum;
  momentum.momentum = 0.9;
  register_rule<T>("sgd_momentum", momentum);
  register_rule<T>("nadam", spec::Nadam{});
  register_rule<T>("radam", spec::Radam{});
  register_rule<T>("adamax", spec::Adamax{});
  register_rule<T>("lion", spec::Lion{});
  register_rule<T>("adagrad", spec::Adagrad{});
  register_rule<T>("rmsprop", spec::Rmsprop{});
  register_rule<T>("adadelta", spec::Adadelta{});
}

[[maybe_unused]] const bool registered = [] {
  register_rules<float>();
  register_rules<double>();
  return true;
}();

}  // namespace
}  // namespace gradref::bench
