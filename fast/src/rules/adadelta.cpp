// Fast Adadelta. Per element, in T, the reference's order (adadelta_impl.hpp):
//   [theta -= lr_wd theta]; [g += wd theta]; v = rho v + (c g) g;
//   delta = (sqrt(u + eps) / sqrt(v + eps)) g;  u = rho u + (c delta) delta;
//   theta -= lr delta  (theta += delta with lr_none)
// MulAdd may fuse a product into the following sum, which only removes a rounding.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "rules/adadelta.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "rules/adadelta_params.hpp"
#include "rules/elementwise_rule-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// Weight decay as the kernel applies it: a template parameter, so that the common
/// case (none) carries no per-element branch.
enum class AdadeltaDecay { none, coupled, decoupled };

template <class T, AdadeltaDecay kDecay, bool kLrNone>
struct AdadeltaKernel {
  using Params = AdadeltaParams<T>;
  static constexpr int kArrays = 3;  // param, v, u
  template <class D>
  struct Consts {
    hn::Vec<D> lr, rho, c, eps, wd, lr_wd;
  };
  template <class D>
  static Consts<D> load(D d, const Params& p) {
    return {hn::Set(d, p.lr), hn::Set(d, p.rho), hn::Set(d, p.c), hn::Set(d, p.eps), hn::Set(d, p.wd),
            hn::Set(d, p.lr_wd)};
  }
  template <class D>
  static void update(D, const Consts<D>& c, const Params&, hn::Vec<D>* x, hn::Vec<D> g) {
    using V = hn::Vec<D>;
    V theta = x[0];
    if constexpr (kDecay == AdadeltaDecay::decoupled) theta = hn::NegMulAdd(c.lr_wd, theta, theta);
    if constexpr (kDecay == AdadeltaDecay::coupled) g = hn::MulAdd(c.wd, theta, g);
    const V v = hn::MulAdd(c.rho, x[1], hn::Mul(hn::Mul(c.c, g), g));
    const V delta = hn::Mul(hn::Div(hn::Sqrt(hn::Add(x[2], c.eps)), hn::Sqrt(hn::Add(v, c.eps))), g);
    x[1] = v;
    x[2] = hn::MulAdd(c.rho, x[2], hn::Mul(hn::Mul(c.c, delta), delta));
    if constexpr (kLrNone) x[0] = hn::Add(theta, delta);
    else x[0] = hn::NegMulAdd(c.lr, delta, theta);
  }
};

template <class T, AdadeltaDecay kDecay>
void AdadeltaDecayed(const RuleJob<T, AdadeltaParams<T>>& job) {
  if (job.per_step[0].lr_none) RunRule<AdadeltaKernel<T, kDecay, true>, T>(job);
  else RunRule<AdadeltaKernel<T, kDecay, false>, T>(job);
}

/// The flags are the same in every step of a call (they come from the spec).
template <class T>
void AdadeltaRun(const RuleJob<T, AdadeltaParams<T>>& job) {
  const AdadeltaParams<T>& p = job.per_step[0];
  if (p.coupled) AdadeltaDecayed<T, AdadeltaDecay::coupled>(job);
  else if (p.decoupled) AdadeltaDecayed<T, AdadeltaDecay::decoupled>(job);
  else AdadeltaDecayed<T, AdadeltaDecay::none>(job);
}

void AdadeltaFloat(const RuleJob<float, AdadeltaParams<float>>& job) { AdadeltaRun(job); }
void AdadeltaDouble(const RuleJob<double, AdadeltaParams<double>>& job) { AdadeltaRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "gradref/fast/rules/adadelta.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast {
namespace detail {
HWY_EXPORT(AdadeltaFloat);
HWY_EXPORT(AdadeltaDouble);
void run(const RuleJob<float, AdadeltaParams<float>>& job) { HWY_DYNAMIC_DISPATCH(AdadeltaFloat)(job); }
void run(const RuleJob<double, AdadeltaParams<double>>& job) { HWY_DYNAMIC_DISPATCH(AdadeltaDouble)(job); }
}  // namespace detail

template <class T>
void step(const spec::Adadelta& s, RuleBuffers<T>& b) {
  spec::validate(s);
  const std::int64_t steps = checked_steps(spec::Adadelta::op, spec::slots(s), b);
  detail::AdadeltaParams<T> p{};
  p.lr = static_cast<T>(s.lr);
  p.rho = static_cast<T>(s.rho);
  p.c = static_cast<T>(1.0 - s.rho);
  p.eps = static_cast<T>(s.eps);
  p.wd = static_cast<T>(s.weight_decay);
  p.lr_wd = static_cast<T>(s.lr * s.weight_decay);
  p.coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
  p.decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
  p.lr_none = s.lr_none;
  const std::vector<detail::AdadeltaParams<T>> per_step(static_cast<std::size_t>(steps), p);
  detail::run_rule(b, steps, s.maximize, per_step);
}

template void step<float>(const spec::Adadelta&, RuleBuffers<float>&);
template void step<double>(const spec::Adadelta&, RuleBuffers<double>&);

}  // namespace gradref::fast
#endif  // HWY_ONCE
