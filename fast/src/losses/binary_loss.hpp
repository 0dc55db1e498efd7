#pragma once
// What bce and bce_with_logits share outside the SIMD code: the job each
// per-target kernel receives, the checks on the buffers, and the final reduction
// of the block sums (block_sums.hpp).
#include <cstdint>
#include <span>

#include "gradref/spec/reduction.hpp"
#include "gradref/spec/shape.hpp"
#include "losses/block_sums.hpp"
#include "losses/buffer_size.hpp"

namespace gradref::fast::detail {

template <class T>
struct BinaryLossJob {
  const T* input;       ///< n
  const T* target;      ///< n
  const T* weight;      ///< n, or null
  const T* pos_weight;  ///< classes, or null (bce_with_logits only)
  std::int64_t classes;  ///< pos_weight[i % classes] applies to element i
  T* loss;              ///< n per-element losses for reduction none, else null
  T* block_sums;        ///< block_count(n) block sums for sum and mean, else null
  T* grad_input;        ///< n
  T* grad_target;       ///< n
  std::int64_t n;
  T scale;      ///< 1 / n rounded to T, for the mean's gradients
  bool scaled;  ///< mean and n > 1
  bool clamp;   ///< bce: clamp each log at floor
  T floor;      ///< bce: log_floor rounded to T
  T clip_low;   ///< bce: clip_low, exact in T
  T clip_high;  ///< bce: clip_high, exact in T
};

/// Checks the buffer sizes against the element count n of the (already checked) shape.
template <class T>
void check_binary_buffers(const char* op, spec::Reduction r, std::int64_t n, std::span<const T> input,
                          std::span<const T> target, std::span<const T> weight, std::span<T> loss,
                          std::span<T> grad_input, std::span<T> grad_target) {
  require_buffer(op, "input.size", input.size(), n, "the element count of the shape");
  require_buffer(op, "target.size", target.size(), n, "the element count of the shape");
  if (!weight.empty()) require_buffer(op, "weight.size", weight.size(), n, "the element count of the shape");
  require_loss_buffers(op, r, n, loss, grad_input, grad_target);
}

/// Fills the job's buffers, runs `dispatch(job)` and reduces the block sums.
template <class T, class Dispatch>
void run_binary_loss(BinaryLossJob<T> job, spec::Reduction r, std::span<const T> input, std::span<const T> target,
                     std::span<const T> weight, std::span<T> loss, std::span<T> grad_input, std::span<T> grad_target,
                     const Dispatch& dispatch) {
  BlockSums<T> block_sums(job.n, r);
  job.input = input.data();
  job.target = target.data();
  job.weight = weight.empty() ? nullptr : weight.data();
  job.loss = r == spec::Reduction::none ? loss.data() : nullptr;
  job.block_sums = block_sums.data();
  job.grad_input = grad_input.data();
  job.grad_target = grad_target.data();
  job.scale = static_cast<T>(1.0 / static_cast<double>(job.n));
  job.scaled = r == spec::Reduction::mean && job.n > 1;
  dispatch(job);
  block_sums.reduce_into(loss);
}

}  // namespace gradref::fast::detail
