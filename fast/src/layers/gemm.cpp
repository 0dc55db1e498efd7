#include "layers/gemm.hpp"

#include <cblas.h>

#include <algorithm>
#include <mutex>

#include "gradref/fast/threads.hpp"

namespace gradref::fast::detail {
namespace {

/// OpenBLAS on one thread: gradref's own threads split the work into fixed blocks.
void single_threaded_blas() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

/// C = op(A) op(B), C [m, n], op(A) [m, k], op(B) [k, n], row-major.
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
          std::int64_t lda, const float* b, std::int64_t ldb, float* c, std::int64_t ldc) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), 1.0f, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), 0.0f, c, static_cast<blasint>(ldc));
}
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k, const double* a,
          std::int64_t lda, const double* b, std::int64_t ldb, double* c, std::int64_t ldc) {
  cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), 1.0, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), 0.0, c, static_cast<blasint>(ldc));
}

/// Calls block(begin, end) on the fixed blocks of gemm_block_rows(rows) rows covering
/// [0, rows), in parallel when there is enough work (`work_per_row` multiply-adds).
void for_each_block(std::int64_t rows, std::int64_t work_per_row,
                    const std::function<void(std::int64_t, std::int64_t)>& block) {
  single_threaded_blas();
  // Under a grain limit (the determinism property), blocks of 3 rows: small test
  // batches then span several blocks, and threads, too.
  const std::int64_t block_rows = active_grain_limit() > 0 ? std::min<std::int64_t>(3, gemm_block_rows(rows))
                                                           : gemm_block_rows(rows);
  const std::int64_t blocks = (rows + block_rows - 1) / block_rows;
  const std::int64_t per_block = std::max<std::int64_t>(1, block_rows * work_per_row);
  const std::int64_t grain = std::max<std::int64_t>(1, (std::int64_t{1} << 18) / per_block);
  parallel_for(blocks, grain, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t k = first; k < last; ++k) {
      const std::int64_t begin = k * block_rows;
      block(begin, std::min(rows, begin + block_rows));
    }
  });
}

bool out_in(spec::WeightLayout layout) { return layout == spec::WeightLayout::out_in; }

}  // namespace

template <class T>
void product_x_wt(const T* x, const T* w, spec::WeightLayout layout, const spec::AffineDims& d, T* s,
                  const RowsDone& done) {
  for_each_block(d.batch, d.in * d.out, [&](std::int64_t begin, std::int64_t end) {
    gemm(false, out_in(layout), end - begin, d.out, d.in, x + begin * d.in, d.in, w, out_in(layout) ? d.in : d.out,
         s + begin * d.out, d.out);
    if (done) done(begin, end);
  });
}

template <class T>
void product_g_w(const T* g, const T* w, spec::WeightLayout layout, const spec::AffineDims& d, T* gx,
                 const RowsDone& done) {
  for_each_block(d.batch, d.in * d.out, [&](std::int64_t begin, std::int64_t end) {
    gemm(false, !out_in(layout), end - begin, d.in, d.out, g + begin * d.out, d.out, w,
         out_in(layout) ? d.in : d.out, gx + begin * d.in, d.in);
    if (done) done(begin, end);
  });
}

template <class T>
void product_gt_x(const T* g, const T* x, spec::WeightLayout layout, const spec::AffineDims& d, T* gw) {
  if (out_in(layout)) {  // gw [out, in]: rows o of g^T x
    for_each_block(d.out, d.batch * d.in, [&](std::int64_t begin, std::int64_t end) {
      gemm(true, false, end - begin, d.in, d.batch, g + begin, d.out, x, d.in, gw + begin * d.in, d.in);
    });
  } else {  // gw [in, out]: rows i of x^T g
    for_each_block(d.in, d.batch * d.out, [&](std::int64_t begin, std::int64_t end) {
      gemm(true, false, end - begin, d.out, d.batch, x + begin, d.in, g, d.out, gw + begin * d.out, d.out);
    });
  }
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
                                const RowsDone&);                                                               \
  template void product_g_w<T>(const T*, const T*, spec::WeightLayout, const spec::AffineDims&, T*,             \
                               const RowsDone&);                                                                \
  template void product_gt_x<T>(const T*, const T*, spec::WeightLayout, const spec::AffineDims&, T*);           \
  template void column_sums<T>(const T*, const spec::AffineDims&, T*);
GRADREF_GEMM_INSTANTIATE(float)
GRADREF_GEMM_INSTANTIATE(double)
#undef GRADREF_GEMM_INSTANTIATE

}  // namespace gradref::fast::detail
