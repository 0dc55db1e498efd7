// libtorch as a peer (built only where CMake found Torch; GRADREF_PEERS): one
// torch::optim step of Adam, AdamW, RMSprop and Adagrad on a single float32
// parameter tensor of each rule size, and torch::nn::functional::cross_entropy
// forward + backward (autograd, the gradient set to none before each call as
// zero_grad(set_to_none=True) does) at the cross-entropy shapes. PyTorch's defaults,
// as the fast benchmarks use them; libtorch on gradref's thread count. The only
// translation unit that includes torch (its headers are most of its compile time).
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>

#include <cstdint>

#include "against_floor.hpp"
#include "gradref/fast/threads.hpp"
#include "sizes.hpp"

namespace gradref::bench {
namespace {

void same_threads_as_gradref() {
  static const bool once = [] {
    at::set_num_threads(fast::thread_count());
    return true;
  }();
  (void)once;
}

/// p ~ U[-1, 1), grad ~ U[-1e-2, 1e-2), like the fast benchmarks' inputs; the state is
/// created by one untimed step (zeros, or Adagrad's initial accumulator).
template <class Optimizer, class Options>
void torch_rule(benchmark::State& state, std::int64_t n, int slots, const Options& options) {
  same_threads_as_gradref();
  torch::Tensor p = (torch::rand({n}) * 2 - 1).requires_grad_(true);
  p.mutable_grad() = torch::rand({n}) * 2e-2 - 1e-2;
  Optimizer optimizer({p}, options);
  optimizer.step();
  for (auto _ : state) {
    optimizer.step();
    benchmark::ClobberMemory();
  }
  count_work(state, Work{n, (2 * (1 + slots) + 1) * n * static_cast<std::int64_t>(sizeof(float)), 0});
}

template <class Optimizer, class Options>
void register_torch_rule(const char* rule, int slots, const Options& options) {
  for (const int log2 : kRuleLog2Sizes)
    benchmark::RegisterBenchmark(rule_name(rule, "f32", "torch", log2).c_str(),
                                 [=](benchmark::State& state) {
                                   torch_rule<Optimizer>(state, std::int64_t{1} << log2, slots, options);
                                 })
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
}

void torch_cross_entropy(benchmark::State& state, const LogitsShape& s) {
  same_threads_as_gradref();
  const torch::Tensor logits = (torch::rand({s.rows, s.classes}) * 12 - 6).requires_grad_(true);
  const torch::Tensor target = torch::randint(s.classes, {s.rows}, torch::kLong);
  torch::nn::functional::cross_entropy(logits, target).backward();  // untimed: first allocations
  for (auto _ : state) {
    logits.mutable_grad() = torch::Tensor();
    const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, target);
    loss.backward();
    benchmark::DoNotOptimize(logits.grad().data_ptr());
    benchmark::ClobberMemory();
  }
  const std::int64_t elements = s.rows * s.classes;
  count_work(state, Work{elements, 2 * elements * static_cast<std::int64_t>(sizeof(float)), 0});
}

[[maybe_unused]] const bool registered = [] {
  using namespace torch::optim;
  register_torch_rule<Adam>("adam", 2, AdamOptions(1e-3));
  register_torch_rule<AdamW>("adamw", 2, AdamWOptions(1e-3));
  register_torch_rule<RMSprop>("rmsprop", 1, RMSpropOptions(1e-2));
  register_torch_rule<Adagrad>("adagrad", 1, AdagradOptions(1e-2));
  for (const LogitsShape& s : kCrossEntropyShapes)
    benchmark::RegisterBenchmark(logits_name("f32", "torch", s).c_str(),
                                 [s](benchmark::State& state) { torch_cross_entropy(state, s); })
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  return true;
}();

}  // namespace
}  // namespace gradref::bench
