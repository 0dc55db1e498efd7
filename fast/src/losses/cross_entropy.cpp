// Fast softmax cross-entropy, three passes over each row, in the reference's order
// (cross_entropy_impl.hpp):
//   1. m = max_j z_j
//   2. e_j = exp(z_j - m), kept in grad; rest = sum_{j != y} e_j (blocks of
//      sum_block, pairwise over blocks); S = rest + e_y;
//      loss = log1p(rest) if z_y = m, else log S + (m - z_y)
//   3. grad_j = e_j * (1 / S) * scale, grad_y = -(rest * (1 / S)) * scale, in place
// exp is Highway's Exp (<= 1 ULP), log and log1p the C library's, once per row.
// Summing the target apart keeps the loss and the target's gradient accurate
// relative to their size when the target dominates (no 1 - p_y cancellation). A row
// of the logits and its gradient stay in cache between passes for vocabulary-sized
// rows, so keeping e_j costs less than computing exp twice. Per-row losses are
// reduced after all rows are done, with the same blocked pairwise sum, so nothing
// depends on the thread count.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/cross_entropy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gradref/fast/threads.hpp"
#include "losses/cross_entropy_job.hpp"
#include "pairwise.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Below this many logits per thread, a thread costs more than it saves.
constexpr std::int64_t kGrainElements = 1 << 15;

/// The `count` (< one vector) values at z, the other lanes set to `pad`.
template <class D, class T = hn::TFromD<D>>
hn::Vec<D> LoadPadded(D d, const T* z, std::int64_t count, T pad) {
  HWY_ALIGN T buf[hn::MaxLanes(d)];
  std::fill(buf, buf + hn::MaxLanes(d), pad);
  std::memcpy(buf, z, static_cast<std::size_t>(count) * sizeof(T));
  return hn::Load(d, buf);
}

template <class T>
T Row(const CrossEntropyJob<T>& job, std::int64_t row) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d)), classes = job.classes;
  const T* z = job.logits + row * classes;
  T* grad = job.grad + row * classes;
  const std::int64_t y = job.target[row];
  const T z_y = z[y];

  V vmax = hn::Set(d, z[0]);
  std::int64_t i = 0;
  for (; i + lanes <= classes; i += lanes) vmax = hn::Max(vmax, hn::LoadU(d, z + i));
  if (i < classes) vmax = hn::Max(vmax, LoadPadded(d, z + i, classes - i, z[0]));
  const T m = hn::GetLane(hn::MaxOfLanes(d, vmax));
  const V shift = hn::Set(d, m);
  const auto exp_shifted = [&](V zv) { return hn::Exp(d, hn::Sub(zv, shift)); };

  // The target's lane, as a mask, when it falls in the vector starting at `first`.
  const auto is_target = [&](std::int64_t first) {
    return hn::Eq(hn::Iota(d, 0), hn::Set(d, static_cast<T>(y - first)));
  };
  const auto without_target = [&](V e, std::int64_t first) {
    return (y >= first && y < first + lanes) ? hn::IfThenZeroElse(is_target(first), e) : e;
  };

  // Pass 2 keeps exp(z_j - m) in grad for pass 3. sum_block is a multiple of every
  // lane count, so only a row's last block has a tail.
  const T rest = pairwise_blocks<T>(0, block_count(classes), [&](std::int64_t block) {
    const std::int64_t end = std::min(classes, (block + 1) * sum_block);
    V acc = hn::Zero(d);
    std::int64_t j = block * sum_block;
    for (; j + lanes <= end; j += lanes) {
      const V e = exp_shifted(hn::LoadU(d, z + j));
      hn::StoreU(e, d, grad + j);
      acc = hn::Add(acc, without_target(e, j));
    }
    if (j < end) {
      HWY_ALIGN T out[hn::MaxLanes(d)];
      const V e = hn::IfThenElseZero(hn::FirstN(d, static_cast<std::size_t>(end - j)),
                                     exp_shifted(LoadPadded(d, z + j, end - j, m)));
      hn::Store(e, d, out);
      std::memcpy(grad + j, out, static_cast<std::size_t>(end - j) * sizeof(T));
      acc = hn::Add(acc, without_target(e, j));
    }
    return hn::GetLane(hn::SumOfLanes(d, acc));
  });
  const T total = rest + grad[y];

  T loss;
  if (z_y == m) {
    loss = std::log1p(rest);
  } else {
    loss = std::log(total);
    loss = loss + (m - z_y);
  }

  const T inv = T(1) / total;
  const V inv_total = hn::Set(d, inv), scale = hn::Set(d, job.scale);
  const V target_p = hn::Set(d, -(rest * inv));
  const auto grad_of = [&](V e, std::int64_t first) {
    V p = hn::Mul(e, inv_total);
    if (y >= first && y < first + lanes) p = hn::IfThenElse(is_target(first), target_p, p);
    return job.scaled ? hn::Mul(p, scale) : p;
  };
  for (i = 0; i + lanes <= classes; i += lanes) hn::StoreU(grad_of(hn::LoadU(d, grad + i), i), d, grad + i);
  if (i < classes) {
    HWY_ALIGN T out[hn::MaxLanes(d)];
    hn::Store(grad_of(LoadPadded(d, grad + i, classes - i, T(0)), i), d, out);
    std::memcpy(grad + i, out, static_cast<std::size_t>(classes - i) * sizeof(T));
  }
  return loss;
}

template <class T>
void CrossEntropyRun(const CrossEntropyJob<T>& job) {
  const std::int64_t grain = std::max<std::int64_t>(1, kGrainElements / job.classes);
  parallel_for(job.rows, grain, [&job](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) job.row_loss[row] = Row(job, row);
  });
}

void CrossEntropyFloat(const CrossEntropyJob<float>& job) { CrossEntropyRun(job); }
void CrossEntropyDouble(const CrossEntropyJob<double>& job) { CrossEntropyRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <limits>
#include <string>
#include <vector>

#include "gradref/fast/losses/cross_entropy.hpp"

namespace gradref::fast {
namespace detail {

HWY_EXPORT(CrossEntropyFloat);
HWY_EXPORT(CrossEntropyDouble);

void dispatch(const CrossEntropyJob<float>& job) { HWY_DYNAMIC_DISPATCH(CrossEntropyFloat)(job); }
void dispatch(const CrossEntropyJob<double>& job) { HWY_DYNAMIC_DISPATCH(CrossEntropyDouble)(job); }

void require_size(const char* field, std::size_t actual, std::int64_t expected, const std::string& what) {
  if (static_cast<std::int64_t>(actual) != expected)
    throw InvalidInput(spec::CrossEntropy::op, field, std::to_string(actual), what + " = " + std::to_string(expected));
}

}  // namespace detail

template <class T>
void cross_entropy(const spec::CrossEntropy& s, std::span<const T> logits, std::int64_t rows, std::int64_t classes,
                   std::span<const std::int64_t> target, std::span<T> loss, std::span<T> grad_logits) {
  spec::cross_entropy_dims(s, Shape{rows, classes}, Shape{static_cast<std::int64_t>(target.size())});
  if (classes > std::numeric_limits<std::int64_t>::max() / rows)
    throw InvalidInput(spec::CrossEntropy::op, "logits.shape", shape_text(Shape{rows, classes}),
                       "fewer than 2^63 elements");
  const bool none = s.reduction == spec::Reduction::none;
  detail::require_size("logits.size", logits.size(), rows * classes, "rows * classes");
  detail::require_size("grad_logits.size", grad_logits.size(), rows * classes, "rows * classes");
  detail::require_size("loss.size", loss.size(), none ? rows : 1,
                       none ? "rows for reduction none" : "1 for reduction sum or mean");
  spec::check_targets(target, classes);

  const bool mean = s.reduction == spec::Reduction::mean;
  std::vector<T> row_losses(none ? 0 : static_cast<std::size_t>(rows));
  const detail::CrossEntropyJob<T> job{logits.data(),
                                       target.data(),
                                       none ? loss.data() : row_losses.data(),
                                       grad_logits.data(),
                                       rows,
                                       classes,
                                       mean ? static_cast<T>(1.0 / static_cast<double>(rows)) : T(1),
                                       mean && rows > 1};
  detail::dispatch(job);
  if (none) return;
  T total = detail::blocked_sum(row_losses.data(), rows);
  if (mean) total = total / static_cast<T>(rows);
  loss[0] = total;
}

template void cross_entropy<float>(const spec::CrossEntropy&, std::span<const float>, std::int64_t, std::int64_t,
                                   std::span<const std::int64_t>, std::span<float>, std::span<float>);
template void cross_entropy<double>(const spec::CrossEntropy&, std::span<const double>, std::int64_t, std::int64_t,
                                    std::span<const std::int64_t>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
