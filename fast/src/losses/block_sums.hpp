#pragma once
// The per-block loss sums of an elementwise loss (reduction sum or mean), which a
// kernel fills one block of sum_block elements at a time, and their reduction: the
// pairwise tree of pairwise.hpp over the blocks, then / n for the mean (in T, as
// the reference). The structure is reduction.hpp's, so nothing depends on the
// thread count.
#include <cstdint>
#include <span>
#include <vector>

#include "gradref/spec/reduction.hpp"
#include "pairwise.hpp"

namespace gradref::fast::detail {

template <class T>
class BlockSums {
 public:
  /// No blocks for reduction none, whose losses the kernel stores per element.
  BlockSums(std::int64_t n, spec::Reduction r)
      : n_(n), r_(r), sums_(r == spec::Reduction::none ? 0 : static_cast<std::size_t>(block_count(n))) {}

  /// The buffer a kernel fills (null for reduction none).
  T* data() { return sums_.empty() ? nullptr : sums_.data(); }

  /// loss[0] = the sum or the mean of the n losses (nothing for reduction none).
  void reduce_into(std::span<T> loss) const {
    if (r_ == spec::Reduction::none) return;
    T total = pairwise_blocks<T>(0, block_count(n_), [this](std::int64_t b) {
      return sums_[static_cast<std::size_t>(b)];
    });
    if (r_ == spec::Reduction::mean) total = total / static_cast<T>(n_);
    loss[0] = total;
  }

 private:
  std::int64_t n_;
  spec::Reduction r_;
  std::vector<T> sums_;
};

}  // namespace gradref::fast::detail
