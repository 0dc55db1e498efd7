// Fast cross-entropy H(P, Q), one pass over each row, in the reference's order
// (cross_entropy_pq_impl.hpp). Per element, from a (p in its form) and b (q in its form):
//   P = a or Exp(a);  lq = Log(b) or b  (Log(0) set to -inf: Highway's Log is
//   defined on (0, max] only)
//   c = -(P * lq) (0 where p is a prob and a = 0)
//   grad_p = -lq or c;  grad_q = -(P / b) (0 where a = 0) or -P
// gradients times scale for mean and batchmean. The terms are summed in blocks of
// sum_block (vector lanes inside a block), the block sums pairwise (pairwise.hpp).
// Row sums are reduced after all rows are done, with the same blocked pairwise sum,
// so nothing depends on the thread count.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/cross_entropy_pq.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <limits>

#include "gradref/fast/threads.hpp"
#include "losses/cross_entropy_pq_job.hpp"
#include "losses/vector_parts-inl.h"
#include "pairwise.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace {

// Below this many elements per thread, a thread costs more than it saves.
constexpr std::int64_t kGrainElements = 1 << 14;

template <class T>
T Row(const CrossEntropyPqJob<T>& job, std::int64_t row) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d)), classes = job.classes, first = row * classes;
  const V zero = hn::Zero(d), scale = hn::Set(d, job.scale);
  const V minus_infinity = hn::Set(d, -std::numeric_limits<T>::infinity());

  // Lanes past `count` read p = q = 1 (a finite term) and are left out of the sum.
  const auto step = [&](std::int64_t j, std::int64_t count, V& acc) {
    const V a = LoadPart(d, job.p + j, count, T(1)), b = LoadPart(d, job.q + j, count, T(1));
    const V prob = job.p_log ? hn::Exp(d, a) : a;
    const V lq = job.q_log ? b : hn::IfThenElse(hn::Eq(b, zero), minus_infinity, hn::Log(d, b));
    const auto p_zero = job.p_log ? hn::FirstN(d, 0) : hn::Eq(a, zero);
    V c = hn::IfThenZeroElse(p_zero, hn::Neg(hn::Mul(prob, lq)));
    V gp = job.p_log ? c : hn::Neg(lq);
    V gq = job.q_log ? hn::Neg(prob) : hn::IfThenZeroElse(p_zero, hn::Neg(hn::Div(prob, b)));
    if (job.scaled) {
      gp = hn::Mul(gp, scale);
      gq = hn::Mul(gq, scale);
    }
    StorePart(d, gp, job.grad_p + j, count);
    StorePart(d, gq, job.grad_q + j, count);
    if (job.terms) StorePart(d, c, job.terms + j, count);
    if (count < lanes) c = hn::IfThenElseZero(hn::FirstN(d, static_cast<std::size_t>(count)), c);
    acc = hn::Add(acc, c);
  };

  // sum_block is a multiple of every lane count, so only a row's last block has a tail.
  return pairwise_blocks<T>(0, block_count(classes), [&](std::int64_t block) {
    const std::int64_t end = std::min(classes, (block + 1) * sum_block);
    V acc = hn::Zero(d);
    for (std::int64_t j = block * sum_block; j < end; j += lanes) step(first + j, std::min(lanes, end - j), acc);
    return hn::GetLane(hn::SumOfLanes(d, acc));
  });
}

template <class T>
void CrossEntropyPqRun(const CrossEntropyPqJob<T>& job) {
  const std::int64_t grain = std::max<std::int64_t>(1, kGrainElements / job.classes);
  parallel_for(job.rows, grain, [&job](std::int64_t begin, std::int64_t end) {
    for (std::int64_t row = begin; row < end; ++row) job.row_sum[row] = Row(job, row);
  });
}

}  // namespace

void CrossEntropyPqFloat(const CrossEntropyPqJob<float>& job) { CrossEntropyPqRun(job); }
void CrossEntropyPqDouble(const CrossEntropyPqJob<double>& job) { CrossEntropyPqRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <string>
#include <vector>

#include "gradref/fast/losses/cross_entropy_pq.hpp"
#include "gradref/spec/fields.hpp"

namespace gradref::fast {
namespace detail {
namespace {

HWY_EXPORT(CrossEntropyPqFloat);
HWY_EXPORT(CrossEntropyPqDouble);

void dispatch(const CrossEntropyPqJob<float>& job) { HWY_DYNAMIC_DISPATCH(CrossEntropyPqFloat)(job); }
void dispatch(const CrossEntropyPqJob<double>& job) { HWY_DYNAMIC_DISPATCH(CrossEntropyPqDouble)(job); }

void require_pq_size(const char* field, std::size_t actual, std::int64_t expected, const std::string& what) {
  if (static_cast<std::int64_t>(actual) != expected)
    throw InvalidInput(spec::CrossEntropyPq::op, field, std::to_string(actual),
                       what + " = " + std::to_string(expected));
}

}  // namespace
}  // namespace detail

template <class T>
void cross_entropy_pq(const spec::CrossEntropyPq& s, std::span<const T> p, std::span<const T> q, std::int64_t rows,
                      std::int64_t classes, std::span<T> loss, std::span<T> grad_p, std::span<T> grad_q) {
  spec::cross_entropy_pq_dims(s, Shape{rows, classes}, Shape{rows, classes});
  if (classes > std::numeric_limits<std::int64_t>::max() / rows)
    throw InvalidInput(spec::CrossEntropyPq::op, "p.shape", shape_text(Shape{rows, classes}),
                       "fewer than 2^63 elements");
  const std::int64_t n = rows * classes;
  const bool none = s.reduction == spec::KlReduction::none, per_row = s.reduction == spec::KlReduction::row;
  detail::require_pq_size("p.size", p.size(), n, "rows * classes");
  detail::require_pq_size("q.size", q.size(), n, "rows * classes");
  detail::require_pq_size("grad_p.size", grad_p.size(), n, "rows * classes");
  detail::require_pq_size("grad_q.size", grad_q.size(), n, "rows * classes");
  detail::require_pq_size("loss.size", loss.size(), none ? n : per_row ? rows : 1,
                          none ? "rows * classes for reduction none"
                               : per_row ? "rows for reduction row" : "1 for reduction sum, mean or batchmean");
  const auto text = [](T x) { return spec::format_double(static_cast<double>(x)); };
  spec::check_distribution(spec::CrossEntropyPq::op, "p", p, s.p_form, text);
  spec::check_distribution(spec::CrossEntropyPq::op, "q", q, s.q_form, text);

  const std::int64_t divisor = spec::cross_entropy_pq_divisor(s, rows, classes);
  std::vector<T> row_sums(per_row ? 0 : static_cast<std::size_t>(rows));
  const detail::CrossEntropyPqJob<T> job{p.data(),
                                         q.data(),
                                         none ? loss.data() : nullptr,
                                         per_row ? loss.data() : row_sums.data(),
                                         grad_p.data(),
                                         grad_q.data(),
                                         rows,
                                         classes,
                                         s.p_form == spec::Form::log,
                                         s.q_form == spec::Form::log,
                                         static_cast<T>(1.0 / static_cast<double>(divisor)),
                                         divisor > 1};
  detail::dispatch(job);
  if (none || per_row) return;
  T total = detail::blocked_sum(row_sums.data(), rows);
  if (divisor > 1) total = total / static_cast<T>(divisor);
  loss[0] = total;
}

template void cross_entropy_pq<float>(const spec::CrossEntropyPq&, std::span<const float>, std::span<const float>,
                                      std::int64_t, std::int64_t, std::span<float>, std::span<float>,
                                      std::span<float>);
template void cross_entropy_pq<double>(const spec::CrossEntropyPq&, std::span<const double>,
                                       std::span<const double>, std::int64_t, std::int64_t, std::span<double>,
                                       std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
