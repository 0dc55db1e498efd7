// Per-target driver of bce and bce_with_logits: blocks of sum_block elements in
// parallel (elementwise_block-inl.h); in each, one vector pass calling the op's
// Element functor (loss, d loss / d input, d loss / d target of one element), then
// the weight and the mean's 1/n, and the block's loss sum.
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
#include <array>

#include "losses/binary_loss.hpp"
#include "losses/elementwise_block-inl.h"

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
  const std::int64_t begin = block * sum_block, end = std::min(job.n, begin + sum_block);
  const V scale = hn::Set(d, job.scale);
  const bool keep = job.loss != nullptr;
  // in: x, y, w (if weighted); out: loss (if kept), grad_input, grad_target.
  const T sum = ElementwiseBlock<T>(
      begin, end, std::array<const T*, 3>{job.input, job.target, job.weight},
      std::array<T*, 3>{keep ? job.loss : nullptr, job.grad_input, job.grad_target},
      [&](std::int64_t i, auto part, const auto& in, const auto& out, V& acc) {
        HWY_ALIGN T pw[kMax];
        if (job.pos_weight) {
          std::fill(pw, pw + kMax, T(1));
          for (std::int64_t j = 0; j < part.valid; ++j) pw[j] = job.pos_weight[(i + j) % job.classes];
        }
        BinaryLossValues<V> r =
            element(d, hn::LoadU(d, in[0]), hn::LoadU(d, in[1]), job.pos_weight ? hn::Load(d, pw) : hn::Zero(d));
        if (job.weight) {
          const V wv = hn::LoadU(d, in[2]);
          r.loss = hn::Mul(r.loss, wv);
          r.grad_input = hn::Mul(r.grad_input, wv);
          r.grad_target = hn::Mul(r.grad_target, wv);
        }
        if (job.scaled) {
          r.grad_input = hn::Mul(r.grad_input, scale);
          r.grad_target = hn::Mul(r.grad_target, scale);
        }
        if (keep) hn::StoreU(r.loss, d, out[0]);
        hn::StoreU(r.grad_input, d, out[1]);
        hn::StoreU(r.grad_target, d, out[2]);
        acc = AddValid(d, acc, r.loss, part);
      });
  if (!keep) job.block_sums[block] = sum;
}

template <class T, class Element>
void BinaryLossRun(const BinaryLossJob<T>& job, const Element& element) {
  ForEachBlock(job.n, kBinaryLossGrain, [&job, &element](std::int64_t block) { BinaryLossBlock(job, element, block); });
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GRADREF_FAST_BINARY_LOSS_INL_H_
