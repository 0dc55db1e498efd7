// Per-target building blocks of the row-wise losses (entropy, kl_divergence): a
// row's tail loaded and stored through partial vectors, the row's sum of per-element
// terms in blocks of sum_block (vector lanes inside a block, the block sums
// pairwise: pairwise.hpp), and the parallel loop over rows.
//
// Included once per target (the toggle below is Highway's pattern for such headers).
#if defined(GRADREF_FAST_ROW_PASS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GRADREF_FAST_ROW_PASS_INL_H_
#undef GRADREF_FAST_ROW_PASS_INL_H_
#else
#define GRADREF_FAST_ROW_PASS_INL_H_
#endif

#include <hwy/highway.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "gradref/fast/threads.hpp"
#include "pairwise.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// `count` (<= one vector) values at x, the other lanes set to 1.
template <class D, class T = hn::TFromD<D>>
hn::Vec<D> LoadPart(D d, const T* x, std::int64_t count) {
  if (count == static_cast<std::int64_t>(hn::Lanes(d))) return hn::LoadU(d, x);
  HWY_ALIGN T buf[hn::MaxLanes(d)];
  std::fill(buf, buf + hn::MaxLanes(d), T(1));
  std::memcpy(buf, x, static_cast<std::size_t>(count) * sizeof(T));
  return hn::Load(d, buf);
}

/// Stores the first `count` (<= one vector) lanes of v at out.
template <class D, class T = hn::TFromD<D>>
void StorePart(D d, hn::Vec<D> v, T* out, std::int64_t count) {
  if (count == static_cast<std::int64_t>(hn::Lanes(d))) return hn::StoreU(v, d, out);
  HWY_ALIGN T buf[hn::MaxLanes(d)];
  hn::Store(v, d, buf);
  std::memcpy(out, buf, static_cast<std::size_t>(count) * sizeof(T));
}

/// The sum over j in [0, classes) of the terms step(j, count) returns for the
/// `count` (<= one vector) elements from j on; lanes past count are left out.
template <class T, class Step>
T RowSum(std::int64_t classes, const Step& step) {
  const hn::ScalableTag<T> d;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  // sum_block is a multiple of every lane count, so only a row's last block has a tail.
  return pairwise_blocks<T>(0, block_count(classes), [&](std::int64_t block) {
    const std::int64_t end = std::min(classes, (block + 1) * sum_block);
    auto acc = hn::Zero(d);
    for (std::int64_t j = block * sum_block; j < end; j += lanes) {
      const std::int64_t count = std::min(lanes, end - j);
      auto t = step(j, count);
      if (count < lanes) t = hn::IfThenElseZero(hn::FirstN(d, static_cast<std::size_t>(count)), t);
      acc = hn::Add(acc, t);
    }
    return hn::GetLane(hn::SumOfLanes(d, acc));
  });
}

/// row_result(row) for each of `rows` rows of `classes` elements, in parallel over
/// a static partition with at least `grain` elements per thread.
template <class RowResult>
void ForEachRow(std::int64_t rows, std::int64_t classes, std::int64_t grain, const RowResult& row_result) {
  parallel_for(rows, std::max<std::int64_t>(1, grain / classes), [&row_result](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) row_result(row);
  });
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GRADREF_FAST_ROW_PASS_INL_H_
