// Fast MLP forward + backward (2 layers, ReLU, biases, MSE loss: the PyTorch preset)
// on batch 256 with widths 1024-4096-1024, float32, timed alternately with its floor:
// the same six matrix products as whole cblas_sgemm calls (forward x W1^T and
// x1 W2^T; backward g2^T x1, g2 W2, g1^T x, g1 W1), OpenBLAS on as many threads as
// gradref's kernels use. The kernel runs OpenBLAS on one thread per fixed block of
// rows or columns over gradref's threads (fast/src/layers/gemm.hpp) and adds the bias, activation,
// loss and column-sum passes; of_floor = BLAS time / kernel time is the share of
// the BLAS rate it keeps.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cstdint>
#include <vector>

#include "against_floor.hpp"
#include "gradref/fast/layers/mlp.hpp"
#include "gradref/fast/threads.hpp"
#include "inputs.hpp"

namespace gradref::bench {
namespace {

constexpr std::int64_t kBatch = 256, kIn = 1024, kHidden = 4096, kOut = 1024;

void sgemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
           std::int64_t lda, const float* b, std::int64_t ldb, float* c, std::int64_t ldc) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), 1.0f, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), 0.0f, c, static_cast<blasint>(ldc));
}

struct MlpArrays {
  // Inputs: x ~ U[-1, 1), weights ~ U[-1/32, 1/32) (about PyTorch's init scale), biases
  // and the target small.
  Array<float> x{kBatch * kIn, -1.0, 1.0, 11}, w1{kHidden * kIn, -1.0 / 32, 1.0 / 32, 12},
      b1{kHidden, -0.01, 0.01, 13}, w2{kOut * kHidden, -1.0 / 64, 1.0 / 64, 14}, b2{kOut, -0.01, 0.01, 15},
      target{kBatch * kOut, -1.0, 1.0, 16};
  // Outputs.
  std::vector<float> loss = std::vector<float>(1);
  Array<float> s1{kBatch * kHidden}, x1{kBatch * kHidden}, s2{kBatch * kOut}, x2{kBatch * kOut};
  Array<float> gw1{kHidden * kIn}, gb1{kHidden}, gw2{kOut * kHidden}, gb2{kOut}, gx{kBatch * kIn};
  // The floor's gradients flowing back (values do not change a GEMM's time).
  Array<float> g1{kBatch * kHidden, -1e-3, 1e-3, 17}, g2{kBatch * kOut, -1e-3, 1e-3, 18}, gx1{kBatch * kHidden};
};

void blas_floor(MlpArrays& a) {
  openblas_set_num_threads(fast::thread_count());
  float *x = a.x.data.get(), *w1 = a.w1.data.get(), *w2 = a.w2.data.get(), *x1 = a.x1.data.get();
  float *g1 = a.g1.data.get(), *g2 = a.g2.data.get();
  sgemm(false, true, kBatch, kHidden, kIn, x, kIn, w1, kIn, a.s1.data.get(), kHidden);           // s1 = x W1^T
  sgemm(false, true, kBatch, kOut, kHidden, x1, kHidden, w2, kHidden, a.s2.data.get(), kOut);     // s2 = x1 W2^T
  sgemm(true, false, kOut, kHidden, kBatch, g2, kOut, x1, kHidden, a.gw2.data.get(), kHidden);    // gW2 = g2^T x1
  sgemm(false, false, kBatch, kHidden, kOut, g2, kOut, w2, kHidden, a.gx1.data.get(), kHidden);   // gx1 = g2 W2
  sgemm(true, false, kHidden, kIn, kBatch, g1, kHidden, x, kIn, a.gw1.data.get(), kIn);           // gW1 = g1^T x
  sgemm(false, false, kBatch, kIn, kHidden, g1, kHidden, w1, kIn, a.gx.data.get(), kIn);          // gx = g1 W1
  openblas_set_num_threads(1);  // what the kernel set (once) for its blocks
}

void mlp_against_floor(benchmark::State& state) {
  MlpArrays a;
  const spec::Mlp spec;  // 2 layers, relu, identity output, bias, out_in, mse, mean
  const Shape input{kBatch, kIn}, w1{kHidden, kIn}, b1{kHidden}, w2{kOut, kHidden}, b2{kOut}, target{kBatch, kOut};
  const spec::MlpShapes shapes{&input, {&w1, &w2}, {&b1, &b2}, &target, nullptr};
  const fast::MlpBuffers<float> buffers{a.x.view(),
                                        {a.w1.view(), a.w2.view()},
                                        {a.b1.view(), a.b2.view()},
                                        a.target.view(),
                                        {},
                                        a.loss,
                                        {a.s1.span(), a.s2.span()},
                                        {a.x1.span(), a.x2.span()},
                                        {a.gw1.span(), a.gw2.span()},
                                        {a.gb1.span(), a.gb2.span()},
                                        a.gx.span()};
  constexpr std::int64_t kProducts = 6, kMultiplyAdds = kBatch * kIn * kHidden;  // each product's (all equal)
  against_floor(
      state, Work{kBatch, 0, 2 * kProducts * kMultiplyAdds}, [&] { fast::mlp<float>(spec, shapes, buffers); },
      [&] { blas_floor(a); });
}

[[maybe_unused]] const bool registered = [] {
  benchmark::RegisterBenchmark("mlp/f32/fast/256x1024x4096x1024", mlp_against_floor)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
}  // namespace gradref::bench
