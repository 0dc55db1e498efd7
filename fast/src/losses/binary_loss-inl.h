// Per-target driver of bce and bce_with_logits: blocks of sum_block elements in
// parallel over a static partition; in each block, one vector pass calling the
// op's Element functor (loss, d loss / d input, d loss / d target of one
// element), then the weight and the mean's 1/n, and the block's loss sum (lanes,
// then across lanes: any order inside a block, as reduction.hpp allows). A
// block's tail runs through the same vector code on a zero-padded copy, masked out
// of the sum, so an element's result never depends on where a block or a thread's
// range ends.
//
// Included by each op's Highway translation unit once per target (the toggle
// below is Highway's pattern for such headers).
#if defined(GRADREF_FAST_BINARY_LOSS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GRADREF_FAST_BINARY_LOSS_INL_H_
#undef GRADREF_FAST_BINARY_LOSS_INL_H_
#else
#define GRADREF_FAST_BINARY_LOSS_INL_H_
#endif

#include <hwy/highway.h>

#include <algorithm>
#include <cstring>

#include "gradref/fast/threads.hpp"
#include "losses/binary_loss.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// One element's loss and its derivatives with respect to input and target.
template <class V>
struct BinaryLossValues {
  V loss;
  V grad_input;
  V grad_target;
};

// Below this many elements per thread, a thread costs more than it saves.
constexpr std::int64_t kBinaryLossGrain = 1 << 14;

template <class T, class Element>
void BinaryLossBlock(const BinaryLossJob<T>& job, const Element& element, std::int64_t block) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  constexpr std::size_t kMax = hn::MaxLanes(d);
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  const std::int64_t begin = block * sum_block, end = std::min(job.n, begin + sum_block);
  const V scale = hn::Set(d, job.scale);
  const bool keep = job.loss != nullptr;
  V acc = hn::Zero(d);

  // Elements [i, i + valid) read from x, y, w (at element offset i); results to loss, gi, gt.
  const auto step = [&](std::int64_t i, const T* x, const T* y, const T* w, T* loss, T* gi, T* gt,
                        std::int64_t valid) {
    HWY_ALIGN T pw[kMax];
    if (job.pos_weight) {
      std::fill(pw, pw + kMax, T(1));
      for (std::int64_t j = 0; j < valid; ++j) pw[j] = job.pos_weight[(i + j) % job.classes];
    }
    BinaryLossValues<V> r = element(d, hn::LoadU(d, x), hn::LoadU(d, y), job.pos_weight ? hn::Load(d, pw) : hn::Zero(d));
    if (job.weight) {
      const V wv = hn::LoadU(d, w);
      r.loss = hn::Mul(r.loss, wv);
      r.grad_input = hn::Mul(r.grad_input, wv);
      r.grad_target = hn::Mul(r.grad_target, wv);
    }
    if (job.scaled) {
      r.grad_input = hn::Mul(r.grad_input, scale);
      r.grad_target = hn::Mul(r.grad_target, scale);
    }
    if (keep) hn::StoreU(r.loss, d, loss);
    hn::StoreU(r.grad_input, d, gi);
    hn::StoreU(r.grad_target, d, gt);
    acc = hn::Add(acc, valid == lanes ? r.loss
                                      : hn::IfThenElseZero(hn::FirstN(d, static_cast<std::size_t>(valid)), r.loss));
  };

  std::int64_t i = begin;
  for (; i + lanes <= end; i += lanes)
    step(i, job.input + i, job.target + i, job.weight ? job.weight + i : nullptr, keep ? job.loss + i : nullptr,
         job.grad_input + i, job.grad_target + i, lanes);
  if (i < end) {
    const std::int64_t valid = end - i;
    const std::size_t bytes = static_cast<std::size_t>(valid) * sizeof(T);
    HWY_ALIGN T x[kMax] = {}, y[kMax] = {}, w[kMax] = {}, loss[kMax] = {}, gi[kMax] = {}, gt[kMax] = {};
    std::memcpy(x, job.input + i, bytes);
    std::memcpy(y, job.target + i, bytes);
    if (job.weight) std::memcpy(w, job.weight + i, bytes);
    step(i, x, y, w, loss, gi, gt, valid);
    if (keep) std::memcpy(job.loss + i, loss, bytes);
    std::memcpy(job.grad_input + i, gi, bytes);
    std::memcpy(job.grad_target + i, gt, bytes);
  }
  if (!keep) job.block_sums[block] = hn::GetLane(hn::SumOfLanes(d, acc));
}

template <class T, class Element>
void BinaryLossRun(const BinaryLossJob<T>& job, const Element& element) {
  parallel_for(block_count(job.n), std::max<std::int64_t>(1, kBinaryLossGrain / sum_block),
               [&job, &element](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t block = begin; block < end; ++block) BinaryLossBlock(job, element, block);
               });
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GRADREF_FAST_BINARY_LOSS_INL_H_
