#include "layers/gemm.hpp"

#include <cblas.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <string>

#include "gradref/fast/threads.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::fast::detail {
namespace {

/// OpenBLAS on one thread: gradref's own threads split the work into fixed blocks.
void single_threaded_blas() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

/// A matrix dimension as OpenBLAS's blasint (32-bit in Debian's build): refused,
/// not truncated, when it does not fit. Element counts past 2^31 are fine; only a
/// single dimension (a width, or a batch in the weight gradient) that large is not.
blasint blas_dim(std::int64_t x) {
  if (x > std::numeric_limits<blasint>::max())
    throw InvalidInput("dense", "matrix dimension", std::to_string(x),
                       "at most " + std::to_string(std::numeric_limits<blasint>::max()) + " (OpenBLAS's blasint)");
  return static_cast<blasint>(x);
}

/// C = op(A) op(B), C [m, n], op(A) [m, k], op(B) [k, n], row-major.
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
          std::int64_t lda, const float* b, std::int64_t ldb, float* c, std::int64_t ldc) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, blas_dim(m),
              blas_dim(n), blas_dim(k), 1.0f, a, blas_dim(lda), b, blas_dim(ldb), 0.0f, c, blas_dim(ldc));
}
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k, const double* a,
          std::int64_t lda, const double* b, std::int64_t ldb, double* c, std::int64_t ldc) {
  cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, blas_dim(m),
              blas_dim(n), blas_dim(k), 1.0, a, blas_dim(lda), b, blas_dim(ldb), 0.0, c, blas_dim(ldc));
}

/// C = op(A) op(B) by fixed blocks of C's rows or of its columns, in parallel; then
/// `done` on every row range. The split is a function of the shape alone: along the
/// rows when C has at least as many rows as columns (each call then repacks op(B)),
/// else along the columns (each call repacks op(A)), so that the operand repacked on
/// every call is the smaller one; for batch 256 and widths 1024-4096 that is the batch,
/// not the weights. `done` runs on each block right after its gemm (still in cache),
/// whichever way the product is split (done is elementwise, so no order changes a bit).
template <class T>
void blocked_gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k, const T* a,
                  std::int64_t lda, const T* b, std::int64_t ldb, T* c, std::int64_t ldc, const BlockDone& done) {
  single_threaded_blas();
  const bool by_rows = m >= n;
  const std::int64_t extent = by_rows ? m : n;
  // Under a grain limit (the determinism property), blocks of 3: small test shapes
  // then span several blocks, and threads, too.
  const std::int64_t block = active_grain_limit() > 0 ? std::min<std::int64_t>(3, gemm_block_rows(extent))
                                                      : gemm_block_rows(extent);
  const std::int64_t blocks = (extent + block - 1) / block;
  const std::int64_t per_block = std::max<std::int64_t>(1, block * (by_rows ? n : m) * k);
  const std::int64_t grain = std::max<std::int64_t>(1, (std::int64_t{1} << 18) / per_block);
  parallel_for(blocks, grain, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t i = first; i < last; ++i) {
      const std::int64_t begin = i * block, end = std::min(extent, begin + block);
      if (by_rows) {
        gemm(trans_a, trans_b, end - begin, n, k, trans_a ? a + begin : a + begin * lda, lda, b, ldb, c + begin * ldc,
             ldc);
        if (done) done(begin, end, 0, n);
      } else {
        gemm(trans_a, trans_b, m, end - begin, k, a, lda, trans_b ? b + begin * ldb : b + begin, ldb, c + begin, ldc);
        if (done) done(0, m, begin, end);
      }
    }
  });
}

bool out_in(spec::WeightLayout layout) { return layout == spec::WeightLayout::out_in; }

}  // namespace

template <class T>
void product_x_wt(const T* x, const T* w, spec::WeightLayout layout, const spec::AffineDims& d, T* s,
                  const BlockDone& done) {
  blocked_gemm(false, out_in(layout), d.batch, d.out, d.in, x, d.in, w, out_in(layout) ? d.in : d.out, s, d.out, done);
}

template <class T>
void product_g_w(const T* g, const T* w, spec::WeightLayout layout, const spec::AffineDims& d, T* gx,
                 const BlockDone& done) {
  blocked_gemm(false, !out_in(layout), d.batch, d.in, d.out, g, d.out, w, out_in(layout) ? d.in : d.out, gx, d.in,
               done);
}

template <class T>
void product_gt_x(const T* g, const T* x, spec::WeightLayout layout, const spec::AffineDims& d, T* gw) {
  if (out_in(layout))  // gw [out, in] = g^T x
    blocked_gemm(true, false, d.out, d.in, d.batch, g, d.out, x, d.in, gw, d.in, nullptr);
  else  // gw [in, out] = x^T g
    blocked_gemm(true, false, d.in, d.out, d.batch, x, d.in, g, d.out, gw, d.out, nullptr);
}

template <class T>
void column_sums(const T* g, const spec::AffineDims& d, T* gb) {
  parallel_for(d.out, std::max<std::int64_t>(1, (std::int64_t{1} << 15) / d.batch),
               [&](std::int64_t first, std::int64_t last) {
                 std::fill(gb + first, gb + last, T(0));
                 for (std::int64_t n = 0; n < d.batch; ++n)
                   for (std::int64_t o = first; o < last; ++o) gb[o] += g[n * d.out + o];
               });
}

#define GRADREF_GEMM_INSTANTIATE(T)                                                                             \
  template void product_x_wt<T>(const T*, const T*, spec::WeightLayout, const spec::AffineDims&, T*,            \
                                const BlockDone&);                                                               \
  template void product_g_w<T>(const T*, const T*, spec::WeightLayout, const spec::AffineDims&, T*,             \
                               const BlockDone&);                                                                \
  template void product_gt_x<T>(const T*, const T*, spec::WeightLayout, const spec::AffineDims&, T*);           \
  template void column_sums<T>(const T*, const spec::AffineDims&, T*);
GRADREF_GEMM_INSTANTIATE(float)
GRADREF_GEMM_INSTANTIATE(double)
#undef GRADREF_GEMM_INSTANTIATE

}  // namespace gradref::fast::detail
