// Fast mean squared error, per element in the reference's order (mse_impl.hpp):
//   d = x - y; loss = d * d; grad = d * scale (2, or 2 / n rounded to T for the
//   mean); grad_target = -grad
// through the shared driver of pointwise_loss-inl.h.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/mse.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "losses/pointwise_loss-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {

struct MseElement {
  template <class D, class V>
  LossAndGrad<V> operator()(D, V diff, V scale, V) const {
    return {hn::Mul(diff, diff), hn::Mul(diff, scale)};
  }
};

void MseFloat(const PointwiseLossJob<float>& job) { PointwiseLossRun(job, MseElement{}); }
void MseDouble(const PointwiseLossJob<double>& job) { PointwiseLossRun(job, MseElement{}); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "dispatch_by_type.hpp"
#include "gradref/fast/losses/mse.hpp"

namespace gradref::fast {
namespace detail {
namespace {

GRADREF_DISPATCH_FLOAT_DOUBLE(dispatch_mse, PointwiseLossJob, MseFloat, MseDouble)

}  // namespace
}  // namespace detail

template <class T>
void mse(const spec::Mse& s, std::span<const T> input, std::span<const T> target, std::span<T> loss,
         std::span<T> grad_input, std::span<T> grad_target) {
  detail::pointwise_loss(s, {.factor = 2.0}, 0.0, input, target, loss, grad_input, grad_target,
                         [](const detail::PointwiseLossJob<T>& j) { detail::dispatch_mse(j); });
}

template void mse<float>(const spec::Mse&, std::span<const float>, std::span<const float>, std::span<float>,
                         std::span<float>, std::span<float>);
template void mse<double>(const spec::Mse&, std::span<const double>, std::span<const double>, std::span<double>,
                          std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
