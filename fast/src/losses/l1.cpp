// Fast L1 loss, per element in the reference's order (l1_impl.hpp):
//   d = x - y; loss = |d|; grad = scale if d > 0, -scale if d < 0, 0 if d = 0
//   (scale 1, or 1 / n rounded to T for the mean); grad_target = -grad
// through the shared driver of pointwise_loss-inl.h. A rounded difference is 0
// only when x = y, so ties get PyTorch's subgradient sign(0) = 0.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/l1.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "losses/pointwise_loss-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {

struct L1Element {
  template <class D, class V>
  LossAndGrad<V> operator()(D d, V diff, V scale, V) const {
    const V zero = hn::Zero(d);
    const V sign_scale = hn::IfThenElse(hn::Lt(diff, zero), hn::Neg(scale), hn::IfThenElseZero(hn::Gt(diff, zero), scale));
    return {hn::Abs(diff), sign_scale};
  }
};

void L1Float(const PointwiseLossJob<float>& job) { PointwiseLossRun(job, L1Element{}); }
void L1Double(const PointwiseLossJob<double>& job) { PointwiseLossRun(job, L1Element{}); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "dispatch_by_type.hpp"
#include "gradref/fast/losses/l1.hpp"

namespace gradref::fast {
namespace detail {
namespace {

GRADREF_DISPATCH_FLOAT_DOUBLE(dispatch_l1, PointwiseLossJob, L1Float, L1Double)

}  // namespace
}  // namespace detail

template <class T>
void l1(const spec::L1& s, std::span<const T> input, std::span<const T> target, std::span<T> loss,
        std::span<T> grad_input, std::span<T> grad_target) {
  detail::pointwise_loss(s, {.factor = 1.0}, 0.0, input, target, loss, grad_input, grad_target,
                         [](const detail::PointwiseLossJob<T>& j) { detail::dispatch_l1(j); });
}

template void l1<float>(const spec::L1&, std::span<const float>, std::span<const float>, std::span<float>,
                        std::span<float>, std::span<float>);
template void l1<double>(const spec::L1&, std::span<const double>, std::span<const double>, std::span<double>,
                         std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
