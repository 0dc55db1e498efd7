// Fast Huber loss, per element in the reference's order (huber_impl.hpp):
//   d = x - y; a = |d|; c = min(a, delta); loss = c * (a - 0.5 * c);
//   grad = min(max(d, -delta), delta) [* 1 / n for the mean]; grad_target = -grad
// through the shared driver of pointwise_loss-inl.h. Min and max instead of a
// branch: the same two formulas, with no select on a rounded comparison.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/huber.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "losses/pointwise_loss-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {

template <bool kScaled>
struct HuberElement {
  template <class D, class V>
  LossAndGrad<V> operator()(D d, V diff, V scale, V delta) const {
    const V a = hn::Abs(diff);
    const V c = hn::Min(a, delta);
    const V loss = hn::Mul(c, hn::Sub(a, hn::Mul(hn::Set(d, hn::TFromD<D>(0.5)), c)));
    const V grad = hn::Min(hn::Max(diff, hn::Neg(delta)), delta);
    if constexpr (kScaled) return {loss, hn::Mul(grad, scale)};
    return {loss, grad};
  }
};

template <class T>
void HuberRun(const PointwiseLossJob<T>& job) {
  if (job.scaled) PointwiseLossRun(job, HuberElement<true>{});
  else PointwiseLossRun(job, HuberElement<false>{});
}

void HuberFloat(const PointwiseLossJob<float>& job) { HuberRun(job); }
void HuberDouble(const PointwiseLossJob<double>& job) { HuberRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "dispatch_by_type.hpp"
#include "gradref/fast/losses/huber.hpp"

namespace gradref::fast {
namespace detail {
namespace {

GRADREF_DISPATCH_FLOAT_DOUBLE(dispatch_huber, PointwiseLossJob, HuberFloat, HuberDouble)

}  // namespace
}  // namespace detail

template <class T>
void huber(const spec::Huber& s, std::span<const T> input, std::span<const T> target, std::span<T> loss,
           std::span<T> grad_input, std::span<T> grad_target) {
  detail::pointwise_loss(s, {.factor = 1.0, .only_for_mean = true}, s.delta, input, target, loss, grad_input,
                         grad_target, [](const detail::PointwiseLossJob<T>& j) { detail::dispatch_huber(j); });
}

template void huber<float>(const spec::Huber&, std::span<const float>, std::span<const float>, std::span<float>,
                           std::span<float>, std::span<float>);
template void huber<double>(const spec::Huber&, std::span<const double>, std::span<const double>,
                            std::span<double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
