// Fast binary cross-entropy on probabilities, per element in the reference's
// order (bce_impl.hpp), through the shared driver of binary_loss-inl.h:
//   inside = lo <= p <= hi, p = min(max(p, lo), hi) (Keras' clip; [0, 1] changes nothing)
//   q = 1 - p; lp = log p, lq = log q (-inf where p or q is 0: Highway's Log has no
//   pole, so the kernel selects it); clamp_log: live = log > floor, log = max(log, floor)
//   loss = -(y lp [0 at y = 0] + (1 - y) lq [0 at y = 1])
//   grad_input = (1 - y) / q [0 at y = 1 or q clamped] - y / p [0 at y = 0 or p clamped]
//   grad_target = lq - lp
//   grad_input = 0 where p was outside the clip
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/bce.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <limits>

#include "losses/binary_loss-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {

struct BceElement {
  bool clamp;
  double floor;
  double clip_low, clip_high;  // exact in T (checked by fast::bce)

  template <class D, class V>
  BinaryLossValues<V> operator()(D d, V p, V y, V) const {
    using T = hn::TFromD<D>;
    const V zero = hn::Zero(d), one = hn::Set(d, T(1)), floor_v = hn::Set(d, static_cast<T>(floor));
    const V lo = hn::Set(d, static_cast<T>(clip_low)), hi = hn::Set(d, static_cast<T>(clip_high));
    const auto inside = hn::And(hn::Ge(p, lo), hn::Le(p, hi));
    p = hn::Min(hn::Max(p, lo), hi);
    const V minus_inf = hn::Set(d, -std::numeric_limits<T>::infinity());
    const V q = hn::Sub(one, p);
    V lp = hn::IfThenElse(hn::Eq(p, zero), minus_inf, hn::Log(d, p));
    V lq = hn::IfThenElse(hn::Eq(q, zero), minus_inf, hn::Log(d, q));
    auto p_live = hn::Eq(zero, zero), q_live = p_live;
    if (clamp) {
      p_live = hn::Gt(lp, floor_v);
      q_live = hn::Gt(lq, floor_v);
      lp = hn::Max(lp, floor_v);
      lq = hn::Max(lq, floor_v);
    }
    const V ny = hn::Sub(one, y);
    const auto y_zero = hn::Eq(y, zero), ny_zero = hn::Eq(ny, zero);
    const V pos = hn::IfThenZeroElse(y_zero, hn::Mul(y, lp));
    const V neg = hn::IfThenZeroElse(ny_zero, hn::Mul(ny, lq));
    const V gp = hn::IfThenElseZero(hn::AndNot(y_zero, p_live), hn::Div(y, p));
    const V gq = hn::IfThenElseZero(hn::AndNot(ny_zero, q_live), hn::Div(ny, q));
    return {hn::Neg(hn::Add(pos, neg)), hn::IfThenElseZero(inside, hn::Sub(gq, gp)), hn::Sub(lq, lp)};
  }
};

void BceFloat(const BinaryLossJob<float>& job) {
  BinaryLossRun(job, BceElement{job.clamp, job.floor, job.clip_low, job.clip_high});
}
void BceDouble(const BinaryLossJob<double>& job) {
  BinaryLossRun(job, BceElement{job.clamp, job.floor, job.clip_low, job.clip_high});
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>

#include "dispatch_by_type.hpp"
#include "gradref/fast/losses/bce.hpp"

namespace gradref::fast {
namespace detail {
namespace {

GRADREF_DISPATCH_FLOAT_DOUBLE(dispatch_bce, BinaryLossJob, BceFloat, BceDouble)

}  // namespace
}  // namespace detail

template <class T>
void bce(const spec::Bce& s, const Shape& shape, std::span<const T> input, std::span<const T> target,
         std::span<const T> weight, std::span<T> loss, std::span<T> grad_input, std::span<T> grad_target) {
  validate(s);
  spec::require_exact_clip<T>(spec::Bce::op, s.clip_low, s.clip_high);
  const std::int64_t n = spec::binary_loss_size(spec::Bce::op, shape, shape, weight.empty() ? nullptr : &shape);
  detail::check_binary_buffers(spec::Bce::op, s.reduction, n, input, target, weight, loss, grad_input, grad_target);
  spec::check_bce_values(input, target, weight, [](T x) { return spec::format_double(static_cast<double>(x)); });
  detail::BinaryLossJob<T> job{};
  job.n = n;
  job.clamp = s.clamp_log;
  job.floor = static_cast<T>(s.log_floor);
  job.clip_low = static_cast<T>(s.clip_low);
  job.clip_high = static_cast<T>(s.clip_high);
  detail::run_binary_loss(job, s.reduction, input, target, weight, loss, grad_input, grad_target,
                          [](const detail::BinaryLossJob<T>& j) { detail::dispatch_bce(j); });
}

template void bce<float>(const spec::Bce&, const Shape&, std::span<const float>, std::span<const float>,
                         std::span<const float>, std::span<float>, std::span<float>, std::span<float>);
template void bce<double>(const spec::Bce&, const Shape&, std::span<const double>, std::span<const double>,
                          std::span<const double>, std::span<double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
