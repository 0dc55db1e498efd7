#pragma once
// What the elementwise regression losses (mse, l1, huber) share outside the SIMD
// code: the job each per-target kernel receives, the checks on the buffers, and
// the final reduction. Every element's loss and gradient are computed in blocks of
// sum_block; for sum and mean each block's losses are summed into block_sums, and
// the block sums are combined here by the pairwise tree of pairwise.hpp, so the
// structure is reduction.hpp's and nothing depends on the thread count.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gradref/spec/pointwise_loss.hpp"
#include "pairwise.hpp"

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

inline void require_buffer(const char* op, const char* field, std::size_t actual, std::int64_t expected,
                           const char* what) {
  if (static_cast<std::int64_t>(actual) != expected)
    throw InvalidInput(op, field, std::to_string(actual), std::string(what) + " = " + std::to_string(expected));
}

/// The reference's checks (spec::pointwise_loss_size) on flat buffers, plus the
/// output sizes; returns the element count n.
template <class T>
std::int64_t checked_pointwise_size(const char* op, spec::Reduction r, std::span<const T> input,
                                    std::span<const T> target, std::span<T> loss, std::span<T> grad_input,
                                    std::span<T> grad_target) {
  const auto size = [](std::size_t s) { return static_cast<std::int64_t>(s); };
  const std::int64_t n = spec::pointwise_loss_size(op, Shape{size(input.size())}, Shape{size(target.size())});
  const bool none = r == spec::Reduction::none;
  require_buffer(op, "loss.size", loss.size(), none ? n : 1,
                 none ? "the element count for reduction none" : "1 for reduction sum or mean");
  require_buffer(op, "grad_input.size", grad_input.size(), n, "the element count");
  require_buffer(op, "grad_target.size", grad_target.size(), n, "the element count");
  return n;
}

/// Fills the job's buffers, runs `dispatch(job)` and reduces the block sums:
/// pairwise over blocks, then / n for the mean (in T, as the reference).
template <class T, class Dispatch>
void run_pointwise_loss(PointwiseLossJob<T> job, spec::Reduction r, std::span<const T> input,
                        std::span<const T> target, std::span<T> loss, std::span<T> grad_input,
                        std::span<T> grad_target, const Dispatch& dispatch) {
  const bool none = r == spec::Reduction::none;
  std::vector<T> block_sums(none ? 0 : static_cast<std::size_t>(block_count(job.n)));
  job.input = input.data();
  job.target = target.data();
  job.loss = none ? loss.data() : nullptr;
  job.block_sums = none ? nullptr : block_sums.data();
  job.grad_input = grad_input.data();
  job.grad_target = grad_target.data();
  dispatch(job);
  if (none) return;
  T total = pairwise_blocks<T>(0, block_count(job.n), [&block_sums](std::int64_t b) {
    return block_sums[static_cast<std::size_t>(b)];
  });
  if (r == spec::Reduction::mean) total = total / static_cast<T>(job.n);
  loss[0] = total;
}

}  // namespace gradref::fast::detail
