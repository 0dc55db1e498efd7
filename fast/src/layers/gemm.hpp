#pragma once
// The matrix products of dense and mlp through OpenBLAS (cblas_sgemm/dgemm), split
// into fixed blocks (of rows or of columns, gemm.cpp) so that results never depend
// on the thread count: OpenBLAS runs on one thread (set once, process-wide),
// gradref's parallel_for hands out blocks, and a block is always the same gemm call
// on the same rows or columns whichever thread runs it. The BLAS sums each dot product in an order of its own (with FMA or not); the
// error model bounds any order (sum_depth n - 1, reference/layers/affine_impl.hpp).
#include <cstdint>
#include <functional>

#include "gradref/spec/dense.hpp"

namespace gradref::fast::detail {

/// Rows (or columns) of a product per gemm call: the largest of 1024, 512, 256 and 128
/// that still leaves four blocks, else two, else 64. A function of the shape alone,
/// never of the thread count. Large blocks matter: every call repacks the other
/// operand, and with 64-row blocks over batch 256, widths 1024-4096-1024, OpenBLAS
/// kept 0.7 of one whole sgemm's rate per product on one core.
constexpr std::int64_t gemm_block_rows(std::int64_t rows) {
  for (const std::int64_t blocks : {4, 2})
    for (const std::int64_t block : {1024, 512, 256, 128})
      if (rows >= blocks * block) return block;
  return 64;
}

/// Called on each block of a product, rows [begin, end) and columns [col_begin,
/// col_end), right after the block's gemm (still in cache, on the thread that ran it).
/// Only for elementwise work: which block an element is in never changes a bit.
using BlockDone =
    std::function<void(std::int64_t begin, std::int64_t end, std::int64_t col_begin, std::int64_t col_end)>;

/// s = x W^T ([N, out]) for x [N, in] and W in `layout`; `done` runs on every block.
template <class T>
void product_x_wt(const T* x, const T* w, spec::WeightLayout layout, const spec::AffineDims& d, T* s,
                  const BlockDone& done);
/// gx = g W ([N, in]) for g [N, out]; `done` runs on every block.
template <class T>
void product_g_w(const T* g, const T* w, spec::WeightLayout layout, const spec::AffineDims& d, T* gx,
                 const BlockDone& done);
/// gw = g^T x in W's layout.
template <class T>
void product_gt_x(const T* g, const T* x, spec::WeightLayout layout, const spec::AffineDims& d, T* gw);
/// gb[o] = sum over n of g[n, o], each column summed in row order.
template <class T>
void column_sums(const T* g, const spec::AffineDims& d, T* gb);

}  // namespace gradref::fast::detail
