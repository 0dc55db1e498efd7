// Fast binary cross-entropy on logits, per element in the reference's order
// (bce_with_logits_impl.hpp), through the shared driver of binary_loss-inl.h:
//   a = |x|; e = exp(-a); l = log1p(e); ny = 1 - y; pwy = pw y (y without pos_weight)
//   loss = lw l + (x >= 0 ? ny : pwy) a, with lw = ny + pwy (l alone without pos_weight)
//   grad_input = (x >= 0 ? ny - pwy e : ny e - pwy) * (1 / (1 + e))
//   grad_target = x >= 0 ? (pw - 1) l - a : pw a + (pw - 1) l  (-x without pos_weight)
// exp(-a) <= 1 and log1p's argument is in [0, 1]: nothing overflows for any finite
// logit, and every argument is in Highway's valid ranges (Exp: [-FLT_MAX, 104],
// Log1p: [0, FLT_MAX]).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/bce_with_logits.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include "losses/binary_loss-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {

struct BceWithLogitsElement {
  bool pos_weighted;

  template <class D, class V>
  BinaryLossValues<V> operator()(D d, V x, V y, V pw) const {
    using T = hn::TFromD<D>;
    const V zero = hn::Zero(d), one = hn::Set(d, T(1));
    const auto nonnegative = hn::Ge(x, zero);
    const V a = hn::Abs(x);
    const V e = hn::Exp(d, hn::Neg(a));
    const V l = hn::Log1p(d, e);
    const V ny = hn::Sub(one, y);
    V loss, gt, pwy = y;
    if (pos_weighted) {
      pwy = hn::Mul(pw, y);
      loss = hn::Mul(hn::Add(ny, pwy), l);
      const V pm1 = hn::Sub(pw, one);
      gt = hn::IfThenElse(nonnegative, hn::Sub(hn::Mul(pm1, l), a), hn::Add(hn::Mul(pw, a), hn::Mul(pm1, l)));
    } else {
      loss = l;
      gt = hn::Neg(x);
    }
    loss = hn::Add(loss, hn::Mul(hn::IfThenElse(nonnegative, ny, pwy), a));
    const V r = hn::Div(one, hn::Add(one, e));
    const V numerator = hn::IfThenElse(nonnegative, hn::Sub(ny, hn::Mul(pwy, e)), hn::Sub(hn::Mul(ny, e), pwy));
    return {loss, hn::Mul(numerator, r), gt};
  }
};

void BceWithLogitsFloat(const BinaryLossJob<float>& job) {
  BinaryLossRun(job, BceWithLogitsElement{job.pos_weight != nullptr});
}
void BceWithLogitsDouble(const BinaryLossJob<double>& job) {
  BinaryLossRun(job, BceWithLogitsElement{job.pos_weight != nullptr});
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "dispatch_by_type.hpp"
#include "gradref/fast/losses/bce_with_logits.hpp"

namespace gradref::fast {
namespace detail {
namespace {

GRADREF_DISPATCH_FLOAT_DOUBLE(dispatch_bce_with_logits, BinaryLossJob, BceWithLogitsFloat, BceWithLogitsDouble)

}  // namespace
}  // namespace detail

template <class T>
void bce_with_logits(const spec::BceWithLogits& s, const Shape& shape, std::span<const T> input,
                     std::span<const T> target, std::span<const T> weight, std::span<const T> pos_weight,
                     std::span<T> loss, std::span<T> grad_input, std::span<T> grad_target) {
  validate(s);
  const Shape pos_weight_shape{static_cast<std::int64_t>(pos_weight.size())};
  const auto [n, classes] = spec::bce_with_logits_dims(shape, shape, weight.empty() ? nullptr : &shape,
                                                       pos_weight.empty() ? nullptr : &pos_weight_shape);
  detail::check_binary_buffers(spec::BceWithLogits::op, s.reduction, n, input, target, weight, loss, grad_input,
                               grad_target);
  spec::check_bce_with_logits_values(input, target, weight, pos_weight,
                                     [](T x) { return spec::format_double(static_cast<double>(x)); });
  detail::BinaryLossJob<T> job{};
  job.n = n;
  job.classes = classes;
  job.pos_weight = pos_weight.empty() ? nullptr : pos_weight.data();
  detail::run_binary_loss(job, s.reduction, input, target, weight, loss, grad_input, grad_target,
                          [](const detail::BinaryLossJob<T>& j) { detail::dispatch_bce_with_logits(j); });
}

template void bce_with_logits<float>(const spec::BceWithLogits&, const Shape&, std::span<const float>,
                                     std::span<const float>, std::span<const float>, std::span<const float>,
                                     std::span<float>, std::span<float>, std::span<float>);
template void bce_with_logits<double>(const spec::BceWithLogits&, const Shape&, std::span<const double>,
                                      std::span<const double>, std::span<const double>, std::span<const double>,
                                      std::span<double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
