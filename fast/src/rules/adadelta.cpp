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
#include "rules/mixed_rule-inl.h"

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

/// RunRule, or RunMixedRule for a MixedRuleJob (T = float).
template <class Kernel, class T, class Params>
void RunAdadelta(const RuleJob<T, Params>& job) {
  RunRule<Kernel, T>(job);
}
template <class Kernel, class T, class Params>
void RunAdadelta(const MixedRuleJob<Params>& job) {
  RunMixedRule<Kernel>(job);
}

template <class T, AdadeltaDecay kDecay, class Job>
void AdadeltaDecayed(const Job& job) {
  if (job.per_step[0].lr_none) RunAdadelta<AdadeltaKernel<T, kDecay, true>, T>(job);
  else RunAdadelta<AdadeltaKernel<T, kDecay, false>, T>(job);
}

/// The flags are the same in every step of a call (they come from the spec).
template <class T, class Job>
void AdadeltaRun(const Job& job) {
  const auto& p = job.per_step[0];
  if (p.coupled) AdadeltaDecayed<T, AdadeltaDecay::coupled>(job);
  else if (p.decoupled) AdadeltaDecayed<T, AdadeltaDecay::decoupled>(job);
  else AdadeltaDecayed<T, AdadeltaDecay::none>(job);
}

void AdadeltaFloat(const RuleJob<float, AdadeltaParams<float>>& job) { AdadeltaRun<float>(job); }
void AdadeltaMixed(const MixedRuleJob<AdadeltaParams<float>>& job) { AdadeltaRun<float>(job); }
void AdadeltaDouble(const RuleJob<double, AdadeltaParams<double>>& job) { AdadeltaRun<double>(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "gradref/fast/rules/adadelta.hpp"
#include "rules/mixed_rule_dispatch.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast {
namespace detail {
HWY_EXPORT(AdadeltaFloat);
HWY_EXPORT(AdadeltaDouble);
HWY_EXPORT(AdadeltaMixed);
void run(const RuleJob<float, AdadeltaParams<float>>& job) { HWY_DYNAMIC_DISPATCH(AdadeltaFloat)(job); }
void run(const RuleJob<double, AdadeltaParams<double>>& job) { HWY_DYNAMIC_DISPATCH(AdadeltaDouble)(job); }
void run(const MixedRuleJob<AdadeltaParams<float>>& job) { HWY_DYNAMIC_DISPATCH(AdadeltaMixed)(job); }
}  // namespace detail

namespace detail {
template <>
struct RuleTraits<spec::Adadelta> {
  template <class T>
  static std::vector<AdadeltaParams<T>> per_step(const spec::Adadelta& s, RuleBuffers<T>&, std::int64_t steps) {
    AdadeltaParams<T> p{};
    p.lr = static_cast<T>(s.lr);
    p.rho = static_cast<T>(s.rho);
    p.c = static_cast<T>(1.0 - s.rho);
    p.eps = static_cast<T>(s.eps);
    p.wd = static_cast<T>(s.weight_decay);
    p.lr_wd = static_cast<T>(s.lr * s.weight_decay);
    p.coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
    p.decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
    p.lr_none = s.lr_none;
    return std::vector<AdadeltaParams<T>>(static_cast<std::size_t>(steps), p);
  }
};
}  // namespace detail

template <class T>
void step(const spec::Adadelta& s, RuleBuffers<T>& b) {
  detail::step_one(s, b);
}
void step(const spec::Adadelta& s, MixedRuleBuffers& b) { detail::step_mixed(s, b); }

template void step<float>(const spec::Adadelta&, RuleBuffers<float>&);
template void step<double>(const spec::Adadelta&, RuleBuffers<double>&);
template void step(std::span<RuleGroup<spec::Adadelta, float>>);
template void step(std::span<RuleGroup<spec::Adadelta, double>>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
