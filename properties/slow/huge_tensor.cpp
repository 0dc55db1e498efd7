// 64-bit indexing: SGD on a float tensor of 2^31 + 17 elements, one step through the
// single-tensor call and one through the multi-tensor call (after a small tensor, so
// the concatenated offsets pass 2^31 too). Elements around 2^31 and at the end must
// move by exactly -lr g twice (values chosen so every result is exact, FMA or not).
// The gradient is an untouched MAP_NORESERVE mapping (zero pages cost no memory)
// except the windows written here; param is touched by the kernel: 8.6 GB resident.
// Then a dense layer with 2^31 + 17 input features must be refused (OpenBLAS's
// 32-bit dimensions) rather than truncated. Labeled slow only (not in the gate): it
// needs about 9 GB of free memory.
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "gradref/fast/layers/dense.hpp"
#include "gradref/fast/rules/multi_tensor.hpp"
#include "gradref/fast/rules/sgd.hpp"

namespace {

constexpr std::int64_t kN = (std::int64_t{1} << 31) + 17;

float* map_zeros(std::int64_t n) {
  void* p = mmap(nullptr, static_cast<std::size_t>(n) * sizeof(float), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<float*>(p);
}

}  // namespace

int main() {
  using namespace gradref;
  float* param = map_zeros(kN);
  float* grad = map_zeros(kN);
  if (!param || !grad) {
    std::fprintf(stderr, "mmap of 2 x %lld floats failed\n", static_cast<long long>(kN));
    return 1;
  }
  std::vector<std::int64_t> checked;
  for (std::int64_t i = (std::int64_t{1} << 31) - 70; i < (std::int64_t{1} << 31) + 70 && i < kN; ++i) checked.push_back(i);
  for (std::int64_t i = kN - 40; i < kN; ++i) checked.push_back(i);
  for (const std::int64_t i : {std::int64_t{0}, std::int64_t{1} << 30, (std::int64_t{1} << 31) - 4096})
    checked.push_back(i);
  // Window values: param an integer in [1, 1000], grad 2 or -2; lr 0.5: exact.
  for (const std::int64_t i : checked) {
    param[i] = static_cast<float>(1 + i % 1000);
    grad[i] = i % 2 == 0 ? 2.0f : -2.0f;
  }

  spec::Sgd s;
  s.lr = 0.5;
  fast::RuleBuffers<float> big;
  big.param = std::span<float>(param, static_cast<std::size_t>(kN));
  big.grads = std::span<const float>(grad, static_cast<std::size_t>(kN));
  fast::step(s, big);

  std::vector<float> small_param(5, 1.0f), small_grad(5, 2.0f);
  std::vector<fast::RuleGroup<spec::Sgd, float>> groups{{s, {}}};
  fast::RuleBuffers<float> small;
  small.param = small_param;
  small.grads = small_grad;
  groups[0].tensors = {small, big};
  fast::step(groups);

  int failures = 0;
  const auto expect = [&](const char* what, std::int64_t i, float got, float want) {
    if (got != want && failures++ < 20)
      std::fprintf(stderr, "%s[%lld] = %g, expected %g\n", what, static_cast<long long>(i), static_cast<double>(got),
                   static_cast<double>(want));
  };
  for (const std::int64_t i : checked)
    expect("param", i, param[i], static_cast<float>(1 + i % 1000) - 2.0f * (i % 2 == 0 ? 1.0f : -1.0f));
  for (std::int64_t i = 0; i < 5; ++i) expect("small", i, small_param[static_cast<std::size_t>(i)], 0.0f);
  if (groups[0].tensors[1].step != 2) {
    std::fprintf(stderr, "step counter %lld, expected 2\n", static_cast<long long>(groups[0].tensors[1].step));
    ++failures;
  }
  std::printf("sgd %s: %lld elements, %zu checked\n", failures ? "FAILED" : "ok", static_cast<long long>(kN),
              checked.size());
  munmap(param, static_cast<std::size_t>(kN) * sizeof(float));
  munmap(grad, static_cast<std::size_t>(kN) * sizeof(float));

  // A dense layer with in = 2^31 + 17 features: OpenBLAS's dimensions are 32-bit, so
  // the call must refuse rather than truncate. Inputs and outputs are untouched
  // zero mappings (the refusal comes before the first product).
  float* x = map_zeros(kN);
  float* w = map_zeros(kN);
  float* gx = map_zeros(kN);
  float* gw = map_zeros(kN);
  if (!x || !w || !gx || !gw) {
    std::fprintf(stderr, "mmap of 4 x %lld floats failed\n", static_cast<long long>(kN));
    return 1;
  }
  const std::size_t n = static_cast<std::size_t>(kN);
  std::vector<float> bias(1, 0.0f), grad_out(1, 1.0f), out(1), grad_bias(1);
  const Shape bias_shape{1};
  try {
    fast::dense<float>(spec::Dense{}, Shape{1, kN}, Shape{1, kN}, &bias_shape, Shape{1, 1}, {x, n}, {w, n}, bias,
                       grad_out, out, {gx, n}, {gw, n}, grad_bias);
    std::fprintf(stderr, "dense with in = %lld accepted\n", static_cast<long long>(kN));
    ++failures;
  } catch (const InvalidInput& e) {
    std::printf("dense refused: %s\n", e.what());
  }
  for (float* a : {x, w, gx, gw}) munmap(a, n * sizeof(float));
  return failures ? 1 : 0;
}
