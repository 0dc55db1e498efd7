// Fast KL divergence, one pass over each row, in the reference's order
// (kl_divergence_impl.hpp). Per element, from a (p in its form) and b (q in its form):
//   clip: in_p = lo <= a <= hi, a = Min(Max(a, lo), hi), b likewise
//   P = a or Exp(a);  lp = Log(a) or a;  lq = Log(b) or b  (Log(0) set to -inf:
//   Highway's Log is defined on (0, max] only);  diff = lp - lq
//   d = P * diff (0 where p is a prob and a = 0)
//   grad_p = diff + 1 or P * (diff + 1);  grad_q = -(P / b) (0 where a = 0) or -P
// gradients zeroed where clipped (!in_p, !in_q), times scale for mean and batchmean. The terms are summed as
// row_pass-inl.h does. Row sums are reduced after all rows are done, with the same
// blocked pairwise sum, so nothing depends on the thread count.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/kl_divergence.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <limits>

#include "losses/kl_divergence_job.hpp"
#include "losses/row_pass-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace {

// Below this many elements per thread, a thread costs more than it saves.
constexpr std::int64_t kGrainElements = 1 << 14;

template <class T>
T Row(const KlDivergenceJob<T>& job, std::int64_t row) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t first = row * job.classes;
  const V one = hn::Set(d, T(1)), zero = hn::Zero(d), scale = hn::Set(d, job.scale);
  const V minus_infinity = hn::Set(d, -std::numeric_limits<T>::infinity());
  const V lo = hn::Set(d, job.clip_low), hi = hn::Set(d, job.clip_high);
  const auto log_of = [&](V x) { return hn::IfThenElse(hn::Eq(x, zero), minus_infinity, hn::Log(d, x)); };
  return RowSum<T>(job.classes, [&](std::int64_t j, std::int64_t count) {
    const std::int64_t k = first + j;
    V a = LoadPart(d, job.p + k, count), b = LoadPart(d, job.q + k, count);
    auto in_p = hn::Eq(zero, zero), in_q = in_p;
    if (job.clip) {
      in_p = hn::And(hn::Ge(a, lo), hn::Le(a, hi));
      in_q = hn::And(hn::Ge(b, lo), hn::Le(b, hi));
      a = hn::Min(hn::Max(a, lo), hi);
      b = hn::Min(hn::Max(b, lo), hi);
    }
    const V prob = job.p_log ? hn::Exp(d, a) : a;
    const V lp = job.p_log ? a : log_of(a);
    const V lq = job.q_log ? b : log_of(b);
    const V diff = hn::Sub(lp, lq);
    const auto p_zero = job.p_log ? hn::FirstN(d, 0) : hn::Eq(a, zero);
    const V t = hn::IfThenZeroElse(p_zero, hn::Mul(prob, diff));
    V gp = job.p_log ? hn::Mul(prob, hn::Add(diff, one)) : hn::Add(diff, one);
    V gq = job.q_log ? hn::Neg(prob) : hn::IfThenZeroElse(p_zero, hn::Neg(hn::Div(prob, b)));
    if (job.clip) {
      gp = hn::IfThenElseZero(in_p, gp);
      gq = hn::IfThenElseZero(in_q, gq);
    }
    if (job.scaled) {
      gp = hn::Mul(gp, scale);
      gq = hn::Mul(gq, scale);
    }
    StorePart(d, gp, job.grad_p + k, count);
    StorePart(d, gq, job.grad_q + k, count);
    if (job.terms) StorePart(d, t, job.terms + k, count);
    return t;
  });
}

template <class T>
void KlDivergenceRun(const KlDivergenceJob<T>& job) {
  ForEachRow(job.rows, job.classes, kGrainElements, [&job](std::int64_t row) { job.row_sum[row] = Row(job, row); });
}

}  // namespace

void KlDivergenceFloat(const KlDivergenceJob<float>& job) { KlDivergenceRun(job); }
void KlDivergenceDouble(const KlDivergenceJob<double>& job) { KlDivergenceRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <string>
#include <vector>

#include "dispatch_by_type.hpp"
#include "gradref/fast/losses/kl_divergence.hpp"
#include "gradref/spec/fields.hpp"
#include "losses/buffer_size.hpp"
#include "pairwise.hpp"

namespace gradref::fast {
namespace detail {
namespace {

GRADREF_DISPATCH_FLOAT_DOUBLE(dispatch, KlDivergenceJob, KlDivergenceFloat, KlDivergenceDouble)

}  // namespace
}  // namespace detail

template <class T>
void kl_divergence(const spec::KlDivergence& s, std::span<const T> p, std::span<const T> q, std::int64_t rows,
                   std::int64_t classes, std::span<T> loss, std::span<T> grad_p, std::span<T> grad_q) {
  spec::kl_divergence_dims(s, Shape{rows, classes}, Shape{rows, classes});
  if (s.clip) spec::require_exact_clip<T>(spec::KlDivergence::op, s.clip_low, s.clip_high);
  if (classes > std::numeric_limits<std::int64_t>::max() / rows)
    throw InvalidInput(spec::KlDivergence::op, "p.shape", shape_text(Shape{rows, classes}),
                       "fewer than 2^63 elements");
  const std::int64_t n = rows * classes;
  const bool none = s.reduction == spec::KlReduction::none, per_row = s.reduction == spec::KlReduction::row;
  detail::require_buffer(spec::KlDivergence::op, "p.size", p.size(), n, "rows * classes");
  detail::require_buffer(spec::KlDivergence::op, "q.size", q.size(), n, "rows * classes");
  detail::require_buffer(spec::KlDivergence::op, "grad_p.size", grad_p.size(), n, "rows * classes");
  detail::require_buffer(spec::KlDivergence::op, "grad_q.size", grad_q.size(), n, "rows * classes");
  detail::require_buffer(spec::KlDivergence::op, "loss.size", loss.size(), none ? n : per_row ? rows : 1,
                         none ? "rows * classes for reduction none"
                              : per_row ? "rows for reduction row" : "1 for reduction sum, mean or batchmean");
  const auto text = [](T x) { return spec::format_double(static_cast<double>(x)); };
  spec::check_distribution(spec::KlDivergence::op, "p", p, s.p_form, text);
  spec::check_distribution(spec::KlDivergence::op, "q", q, s.q_form, text);

  const std::int64_t divisor = spec::kl_divisor(s, rows, classes);
  std::vector<T> row_sums(per_row ? 0 : static_cast<std::size_t>(rows));
  const detail::KlDivergenceJob<T> job{p.data(),
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
                                       divisor > 1,
                                       s.clip,
                                       static_cast<T>(s.clip_low),
                                       static_cast<T>(s.clip_high)};
  detail::dispatch(job);
  if (none || per_row) return;
  T total = detail::blocked_sum(row_sums.data(), rows);
  if (divisor > 1) total = total / static_cast<T>(divisor);
  loss[0] = total;
}

template void kl_divergence<float>(const spec::KlDivergence&, std::span<const float>, std::span<const float>,
                                   std::int64_t, std::int64_t, std::span<float>, std::span<float>,
                                   std::span<float>);
template void kl_divergence<double>(const spec::KlDivergence&, std::span<const double>, std::span<const double>,
                                    std::int64_t, std::int64_t, std::span<double>, std::span<double>,
                                    std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
