#pragma once
// What bce and bce_with_logits share outside the SIMD code: the job each
// per-target kernel receives, the checks on the output buffers, and the final
// reduction. Elements are computed in blocks of sum_block; for sum and mean each
// block's losses are summed into block_sums, and the block sums are combined by
// the pairwise tree of pairwise.hpp, so the structure is reduction.hpp's and
// nothing depends on the thread count.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gradref/spec/reduction.hpp"
#include "gradref/spec/shape.hpp"
#include "pairwise.hpp"

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
};

inline void require_binary_buffer(const char* op, const char* field, std::size_t actual, std::int64_t expected,
                                  const char* what) {
  if (static_cast<std::int64_t>(actual) != expected)
    throw InvalidInput(op, field, std::to_string(actual), std::string(what) + " = " + std::to_string(expected));
}

/// Checks the buffer sizes against the element count n of the (already checked) shape.
template <class T>
void check_binary_buffers(const char* op, spec::Reduction r, std::int64_t n, std::span<const T> input,
                          std::span<const T> target, std::span<const T> weight, std::span<T> loss,
                          std::span<T> grad_input, std::span<T> grad_target) {
  const bool none = r == spec::Reduction::none;
  require_binary_buffer(op, "input.size", input.size(), n, "the element count of the shape");
  require_binary_buffer(op, "target.size", target.size(), n, "the element count of the shape");
  if (!weight.empty()) require_binary_buffer(op, "weight.size", weight.size(), n, "the element count of the shape");
  require_binary_buffer(op, "loss.size", loss.size(), none ? n : 1,
                        none ? "the element count for reduction none" : "1 for reduction sum or mean");
  require_binary_buffer(op, "grad_input.size", grad_input.size(), n, "the element count");
  require_binary_buffer(op, "grad_target.size", grad_target.size(), n, "the element count");
}

/// Fills the job's buffers, runs `dispatch(job)` and reduces the block sums:
/// pairwise over blocks, then / n for the mean (in T, as the reference).
template <class T, class Dispatch>
void run_binary_loss(BinaryLossJob<T> job, spec::Reduction r, std::span<const T> input, std::span<const T> target,
                     std::span<const T> weight, std::span<T> loss, std::span<T> grad_input, std::span<T> grad_target,
                     const Dispatch& dispatch) {
  const bool none = r == spec::Reduction::none;
  std::vector<T> block_sums(none ? 0 : static_cast<std::size_t>(block_count(job.n)));
  job.input = input.data();
  job.target = target.data();
  job.weight = weight.empty() ? nullptr : weight.data();
  job.loss = none ? loss.data() : nullptr;
  job.block_sums = none ? nullptr : block_sums.data();
  job.grad_input = grad_input.data();
  job.grad_target = grad_target.data();
  job.scale = static_cast<T>(1.0 / static_cast<double>(job.n));
  job.scaled = r == spec::Reduction::mean && job.n > 1;
  dispatch(job);
  if (none) return;
  T total = pairwise_blocks<T>(0, block_count(job.n), [&block_sums](std::int64_t b) {
    return block_sums[static_cast<std::size_t>(b)];
  });
  if (r == spec::Reduction::mean) total = total / static_cast<T>(job.n);
  loss[0] = total;
}

}  // namespace gradref::fast::detail
