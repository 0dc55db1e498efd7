#pragma once
// What the elementwise regression losses (mse, l1, huber) share outside the SIMD
// code: the job each per-target kernel receives, the checks on the buffers, and
// the final reduction of the block sums (block_sums.hpp).
#include <cstdint>
#include <span>

#include "gradref/spec/pointwise_loss.hpp"
#include "losses/block_sums.hpp"
#include "losses/buffer_size.hpp"

namespace gradref::fast::detail {

template <class T>
struct PointwiseLossJob {
  const T* input;   ///< n
  const T* target;  ///< n
  T* loss;          ///< n per-element losses for reduction none, else null
  T* block_sums;    ///< block_count(n) block sums for sum and mean, else null
  T* grad_input;    ///< n
  T* grad_target;   ///< n
  std::int64_t n;
  T grad_scale;  ///< the op's gradient factor, already rounded to T
  bool scaled;   ///< false when the op's gradient needs no multiplication by grad_scale
  T delta;       ///< huber's delta rounded to T (unused by the other ops)
};

/// The reference's checks (spec::pointwise_loss_size) on flat buffers, plus the
/// output sizes; returns the element count n.
template <class T>
std::int64_t checked_pointwise_size(const char* op, spec::Reduction r, std::span<const T> input,
                                    std::span<const T> target, std::span<T> loss, std::span<T> grad_input,
                                    std::span<T> grad_target) {
  const auto size = [](std::size_t s) { return static_cast<std::int64_t>(s); };
  const std::int64_t n = spec::pointwise_loss_size(op, Shape{size(input.size())}, Shape{size(target.size())});
  require_loss_buffers(op, r, n, loss, grad_input, grad_target);
  return n;
}

/// Fills the job's buffers, runs `dispatch(job)` and reduces the block sums.
template <class T, class Dispatch>
void run_pointwise_loss(PointwiseLossJob<T> job, spec::Reduction r, std::span<const T> input,
                        std::span<const T> target, std::span<T> loss, std::span<T> grad_input,
                        std::span<T> grad_target, const Dispatch& dispatch) {
  BlockSums<T> block_sums(job.n, r);
  job.input = input.data();
  job.target = target.data();
  job.loss = r == spec::Reduction::none ? loss.data() : nullptr;
  job.block_sums = block_sums.data();
  job.grad_input = grad_input.data();
  job.grad_target = grad_target.data();
  dispatch(job);
  block_sums.reduce_into(loss);
}

/// How a pointwise loss's gradient is scaled: by `factor` (divided by n for the
/// mean) rounded to T; when `only_for_mean`, not at all for sum and none.
struct GradientScaling {
  double factor = 1.0;
  bool only_for_mean = false;
};

/// A pointwise loss from its spec to its outputs: the spec's and the buffers'
/// checks, the job (gradient scaling, huber's delta rounded to T), the run.
template <class T, class Spec, class Dispatch>
void pointwise_loss(const Spec& s, GradientScaling scaling, double delta, std::span<const T> input,
                    std::span<const T> target, std::span<T> loss, std::span<T> grad_input, std::span<T> grad_target,
                    const Dispatch& dispatch) {
  validate(s);
  const std::int64_t n = checked_pointwise_size(Spec::op, s.reduction, input, target, loss, grad_input, grad_target);
  const bool mean = s.reduction == spec::Reduction::mean;
  PointwiseLossJob<T> job{};
  job.n = n;
  job.grad_scale = static_cast<T>(mean ? scaling.factor / static_cast<double>(n) : scaling.factor);
  job.scaled = mean || !scaling.only_for_mean;
  job.delta = static_cast<T>(delta);
  run_pointwise_loss(job, s.reduction, input, target, loss, grad_input, grad_target, dispatch);
}

}  // namespace gradref::fast::detail
