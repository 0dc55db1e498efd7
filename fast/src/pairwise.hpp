#pragma once
// The summation structure of reduction.hpp: block sums combined by a pairwise tree
// over the block index range. Halving [lo, hi) at lo + (hi - lo) / 2 gives a tree of
// depth ceil(log2(blocks)), the depth sum_depth() charges.
#include <algorithm>
#include <cstdint>

#include "gradref/fast/reduction.hpp"

namespace gradref::fast::detail {

inline std::int64_t block_count(std::int64_t n) { return (n + sum_block - 1) / sum_block; }

/// Sum of block_sum(b) for b in [lo, hi), hi > lo, combined pairwise.
template <class T, class BlockSum>
T pairwise_blocks(std::int64_t lo, std::int64_t hi, const BlockSum& block_sum) {
  if (hi - lo == 1) return block_sum(lo);
  const std::int64_t mid = lo + (hi - lo) / 2;
  const T left = pairwise_blocks<T>(lo, mid, block_sum);
  return left + pairwise_blocks<T>(mid, hi, block_sum);
}

/// Sum of x[0..n) with the blocked pairwise structure (left to right inside a block).
template <class T>
T blocked_sum(const T* x, std::int64_t n) {
  if (n == 0) return T(0);
  return pairwise_blocks<T>(0, block_count(n), [x, n](std::int64_t b) {
    const std::int64_t begin = b * sum_block, end = std::min(n, begin + sum_block);
    T s = x[begin];
    for (std::int64_t i = begin + 1; i < end; ++i) s += x[i];
    return s;
  });
}

}  // namespace gradref::fast::detail
