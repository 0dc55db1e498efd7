// Per-target driver of the elementwise regression losses (mse, l1, huber): blocks
// of sum_block elements in parallel over a static partition; in each block, one
// vector pass computing d = x - y, the op's loss and gradient (its Element
// functor), grad_target = -grad, and the block's loss sum (lanes, then across
// lanes: any order inside a block, as reduction.hpp allows). A block's tail runs
// through the same vector code on a zero-padded copy, masked out of the sum, so an
// element's result never depends on where a block or a thread's range ends.
//
// Included by each op's Highway translation unit once per target (the toggle
// below is Highway's pattern for such headers).
#if defined(GRADREF_FAST_POINTWISE_LOSS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GRADREF_FAST_POINTWISE_LOSS_INL_H_
#undef GRADREF_FAST_POINTWISE_LOSS_INL_H_
#else
#define GRADREF_FAST_POINTWISE_LOSS_INL_H_
#endif

#include <hwy/highway.h>

#include <algorithm>
#include <cstring>

#include "gradref/fast/threads.hpp"
#include "losses/pointwise_loss.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// An element's loss and its gradient with respect to the input.
template <class V>
struct LossAndGrad {
  V loss;
  V grad;
};

// Below this many elements per thread, a thread costs more than it saves.
constexpr std::int64_t kPointwiseGrain = 1 << 15;

template <class T, class Element>
void PointwiseBlock(const PointwiseLossJob<T>& job, const Element& element, std::int64_t block) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  const std::int64_t begin = block * sum_block, end = std::min(job.n, begin + sum_block);
  const V scale = hn::Set(d, job.grad_scale), delta = hn::Set(d, job.delta);
  const bool keep = job.loss != nullptr;
  V acc = hn::Zero(d);

  // Elements [i, i + lanes) from x, y; results to loss (if kept), gi, gt.
  const auto step = [&](const T* x, const T* y, T* loss, T* gi, T* gt, std::int64_t valid) {
    const LossAndGrad<V> r = element(d, hn::Sub(hn::LoadU(d, x), hn::LoadU(d, y)), scale, delta);
    if (keep) hn::StoreU(r.loss, d, loss);
    hn::StoreU(r.grad, d, gi);
    hn::StoreU(hn::Neg(r.grad), d, gt);
    acc = hn::Add(acc, valid == lanes ? r.loss : hn::IfThenElseZero(hn::FirstN(d, static_cast<std::size_t>(valid)), r.loss));
  };

  std::int64_t i = begin;
  for (; i + lanes <= end; i += lanes)
    step(job.input + i, job.target + i, keep ? job.loss + i : nullptr, job.grad_input + i, job.grad_target + i,
         lanes);
  if (i < end) {
    const std::int64_t valid = end - i;
    const std::size_t bytes = static_cast<std::size_t>(valid) * sizeof(T);
    HWY_ALIGN T x[hn::MaxLanes(d)] = {}, y[hn::MaxLanes(d)] = {}, loss[hn::MaxLanes(d)] = {},
                gi[hn::MaxLanes(d)] = {}, gt[hn::MaxLanes(d)] = {};
    std::memcpy(x, job.input + i, bytes);
    std::memcpy(y, job.target + i, bytes);
    step(x, y, loss, gi, gt, valid);
    if (keep) std::memcpy(job.loss + i, loss, bytes);
    std::memcpy(job.grad_input + i, gi, bytes);
    std::memcpy(job.grad_target + i, gt, bytes);
  }
  if (!keep) job.block_sums[block] = hn::GetLane(hn::SumOfLanes(d, acc));
}

template <class T, class Element>
void PointwiseLossRun(const PointwiseLossJob<T>& job, const Element& element) {
  parallel_for(block_count(job.n), std::max<std::int64_t>(1, kPointwiseGrain / sum_block),
               [&job, &element](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t block = begin; block < end; ++block) PointwiseBlock(job, element, block);
               });
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GRADREF_FAST_POINTWISE_LOSS_INL_H_
