// Per-target driver of the elementwise regression losses (mse, l1, huber): blocks
// of sum_block elements in parallel (elementwise_block-inl.h); in each, one vector
// pass computing d = x - y, the op's loss and gradient (its Element functor) and
// grad_target = -grad, and the block's loss sum.
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
#include <array>
#include <type_traits>

#include "losses/elementwise_block-inl.h"
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
  const std::int64_t begin = block * sum_block, end = std::min(job.n, begin + sum_block);
  const V scale = hn::Set(d, job.grad_scale), delta = hn::Set(d, job.delta);
  // in: x, y; out: loss (if kept), grad_input, grad_target. Kept losses and summed
  // ones are separate instantiations: a loss that is only summed feeds nothing but
  // the sum, and the compiler may fuse its last product into that addition.
  const auto pass = [&](auto keep) {
    return ElementwiseBlock<T>(
        begin, end, std::array<const T*, 2>{job.input, job.target},
        std::array<T*, 3>{keep ? job.loss : nullptr, job.grad_input, job.grad_target},
        [&](std::int64_t, auto part, const auto& in, const auto& out, V& acc) {
          const LossAndGrad<V> r = element(d, hn::Sub(hn::LoadU(d, in[0]), hn::LoadU(d, in[1])), scale, delta);
          if constexpr (decltype(keep)::value) hn::StoreU(r.loss, d, out[0]);
          hn::StoreU(r.grad, d, out[1]);
          hn::StoreU(hn::Neg(r.grad), d, out[2]);
          acc = AddValid(d, acc, r.loss, part);
        });
  };
  if (job.loss)
    pass(std::true_type{});
  else
    job.block_sums[block] = pass(std::false_type{});
}

template <class T, class Element>
void PointwiseLossRun(const PointwiseLossJob<T>& job, const Element& element) {
  ForEachBlock(job.n, kPointwiseGrain, [&job, &element](std::int64_t block) { PointwiseBlock(job, element, block); });
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GRADREF_FAST_POINTWISE_LOSS_INL_H_
