#pragma once
// The matrix products of dense and mlp through OpenBLAS (cblas_sgemm/dgemm), split
// into fixed blocks so that results never depend on the thread count: OpenBLAS runs
// on one thread (set once, process-wide), gradref's parallel_for hands out blocks,
// and a block is always the same gemm call on the same rows whichever thread runs
// it. The BLAS sums each dot product in an order of its own (with FMA or not); the
// error model bounds any order (sum_depth n - 1, reference/layers/affine_impl.hpp).
#include <cstdint>
#include <functional>

#include "gradref/spec/dense.hpp"

namespace gradref::fast::detail {

/// Rows of a batch (or of a weight gradient) per gemm call: the largest of 256, 128
/// and 64 that still leaves two blocks, so that two threads share any product of 128
/// rows or more. A function of the shape alone, never of the thread count. Large
/// blocks matter: every call repacks the whole other operand (the weights, or the
/// batch for a weight gradient), and at 64 rows that repacking cost OpenBLAS about
/// a quarter of its rate on batch 256, widths 1024-4096-1024 (0.7 of one whole
/// sgemm per product on one core, 0.9-1.0 with 128/256-row blocks).
constexpr std::int64_t gemm_block_rows(std::int64_t rows) {
  for (const std::int64_t block : {std::int64_t{256}, std::int64_t{128}})
    if (rows >= 2 * block) return block;
  return 64;
}

/// Called on rows [begin, end) of a product right after the block's gemm, while they are in cache.
using RowsDone = std::function<void(std::int64_t begin, std::int64_t end)>;

/// s = x W^T ([N, out]) for x [N, in] and W in `layout`; `done` runs on each block of rows.
template <class T>
void product_x_wt(const T* x, const T* w, spec::WeightLayout layout, const spec::AffineDims& d, T* s,
                  const RowsDone& done);
/// gx = g W ([N, in]) for g [N, out]; `done` runs on each block of rows.
template <class T>
void product_g_w(const T* g, const T* w, spec::WeightLayout layout, const spec::AffineDims& d, T* gx,
                 const RowsDone& done);
/// gw = g^T x in W's layout.
template <class T>
void product_gt_x(const T* g, const T* x, spec::WeightLayout layout, const spec::AffineDims& d, T* gw);
/// gb[o] = sum over n of g[n, o], each column summed in row order.
template <class T>
void column_sums(const T* g, const spec::AffineDims& d, T* gb);

}  // namespace gradref::fast::detail
