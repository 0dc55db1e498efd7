// Per-target building blocks of the elementwise loss drivers (pointwise_loss-inl.h,
// binary_loss-inl.h): one block of elements in whole vectors, its tail through the
// same vector code on zero-padded copies, the block's loss sum, and the parallel
// loop over blocks. The loss sum is lanes, then across lanes: any order inside a
// block, as reduction.hpp allows; the tail's padding lanes are masked out of it, so
// an element's result never depends on where a block or a thread's range ends.
//
// Included once per target (the toggle below is Highway's pattern for such headers).
#if defined(GRADREF_FAST_ELEMENTWISE_BLOCK_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GRADREF_FAST_ELEMENTWISE_BLOCK_INL_H_
#undef GRADREF_FAST_ELEMENTWISE_BLOCK_INL_H_
#else
#define GRADREF_FAST_ELEMENTWISE_BLOCK_INL_H_
#endif

#include <hwy/highway.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "gradref/fast/threads.hpp"
#include "pairwise.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// The vector a step works on: a whole one, or a block's tail with fewer real
/// elements than lanes. Either way `valid` counts the real elements.
struct WholeVector {
  std::int64_t valid;
};
struct TailVector {
  std::int64_t valid;
};

/// acc plus the real lanes of v. Distinct types for the two cases keep the whole
/// vector's addition a plain Add, which the compiler may fuse with the product
/// that made v, as in a loop written out.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V AddValid(D, V acc, V v, WholeVector) {
  return hn::Add(acc, v);
}
template <class D, class V = hn::Vec<D>>
HWY_INLINE V AddValid(D d, V acc, V v, TailVector part) {
  return hn::Add(acc, hn::IfThenElseZero(hn::FirstN(d, static_cast<std::size_t>(part.valid)), v));
}

/// Runs step(i, part, in, out, acc) for each vector of the elements [begin, end),
/// where in[k] and out[k] point at element i of inputs[k] and outputs[k] (a null
/// array stays null) and `part` (WholeVector or TailVector) says how many elements
/// from i on are real; step adds its loss vector to acc with AddValid. Returns
/// acc's sum across lanes.
template <class T, std::size_t kIn, std::size_t kOut, class Step>
T ElementwiseBlock(std::int64_t begin, std::int64_t end, const std::array<const T*, kIn>& inputs,
                   const std::array<T*, kOut>& outputs, const Step& step) {
  const hn::ScalableTag<T> d;
  constexpr std::size_t kMax = hn::MaxLanes(d);
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  std::array<const T*, kIn> in;
  std::array<T*, kOut> out;
  auto acc = hn::Zero(d);
  std::int64_t i = begin;
  for (; i + lanes <= end; i += lanes) {
    for (std::size_t k = 0; k < kIn; ++k) in[k] = inputs[k] ? inputs[k] + i : nullptr;
    for (std::size_t k = 0; k < kOut; ++k) out[k] = outputs[k] ? outputs[k] + i : nullptr;
    step(i, WholeVector{lanes}, in, out, acc);
  }
  if (i < end) {
    const std::int64_t valid = end - i;
    const std::size_t bytes = static_cast<std::size_t>(valid) * sizeof(T);
    HWY_ALIGN T in_copy[kIn][kMax] = {}, out_copy[kOut][kMax] = {};
    for (std::size_t k = 0; k < kIn; ++k) {
      if (inputs[k]) std::memcpy(in_copy[k], inputs[k] + i, bytes);
      in[k] = inputs[k] ? in_copy[k] : nullptr;
    }
    for (std::size_t k = 0; k < kOut; ++k) out[k] = outputs[k] ? out_copy[k] : nullptr;
    step(i, TailVector{valid}, in, out, acc);
    for (std::size_t k = 0; k < kOut; ++k)
      if (outputs[k]) std::memcpy(outputs[k] + i, out_copy[k], bytes);
  }
  return hn::GetLane(hn::SumOfLanes(d, acc));
}

/// block(b) for every block of sum_block elements of n, in parallel over a static
/// partition with at least `grain` elements per thread.
template <class Block>
void ForEachBlock(std::int64_t n, std::int64_t grain, const Block& block) {
  parallel_for(block_count(n), std::max<std::int64_t>(1, grain / sum_block),
               [&block](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t b = begin; b < end; ++b) block(b);
               });
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GRADREF_FAST_ELEMENTWISE_BLOCK_INL_H_
