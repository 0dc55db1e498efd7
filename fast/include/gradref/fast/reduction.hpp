#pragma once
// The one summation structure every fast reduction uses, and its depth, which the
// error models read (RoundingModel::sum_depth). Terms are summed in consecutive
// blocks of `sum_block` (any order inside a block: vector lanes, unrolled
// accumulators), then the block sums are combined by a pairwise tree over the
// block index range. The structure depends only on n, never on the thread count,
// so results are bitwise identical for any number of threads.
#include <cstdint>

namespace gradref::fast {

inline constexpr std::int64_t sum_block = 64;

/// Longest chain of additions a term passes through when n terms are summed:
/// at most sum_block - 1 inside its block plus ceil(log2(blocks)) in the tree.
constexpr std::int64_t sum_depth(std::int64_t n) {
  if (n <= 1) return 0;
  const std::int64_t inside = (n < sum_block ? n : sum_block) - 1;
  std::int64_t blocks = (n + sum_block - 1) / sum_block, tree = 0;
  while ((std::int64_t{1} << tree) < blocks) ++tree;
  return inside + tree;
}

}  // namespace gradref::fast
