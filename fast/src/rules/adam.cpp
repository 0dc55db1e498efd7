// Fast Adam / AdamW. Per element, in T, the reference's order (adam_impl.hpp):
//   [g += l2 theta]; [theta *= keep_pre]; m = b1 m + c1 g; v = b2 v + (c2 g) g;
//   [vmax = max(vmax, v) or max(vmax, v / bc2)]; denom by the eps placement;
//   theta -= step_size (m / denom); [theta *= keep_post]
// with true divisions and square roots (correctly rounded on every target); MulAdd
// may fuse a product into the following sum, which only removes a rounding.
// The kernel is specialised on the denominator's form, AMSGrad and whether any
// decay is on, so the common case carries no per-element branches.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "rules/adam.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "rules/adam_params.hpp"
#include "rules/elementwise_rule-inl.h"
#include "rules/mixed_rule-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class T, AdamDenom kDenom, AdamMax kMax, bool kDecay>
struct AdamKernel {
  using Params = AdamParams<T>;
  static constexpr int kArrays = kMax == AdamMax::none ? 3 : 4;  // param, m, v [, vmax]
  template <class D>
  struct Consts {
    hn::Vec<D> beta1, beta2, c1, c2, eps, eps_root, l2, keep_pre, keep_post, step_size, bc2, bc2_sqrt;
  };
  template <class D>
  static Consts<D> load(D d, const Params& p) {
    return {hn::Set(d, p.beta1),    hn::Set(d, p.beta2),     hn::Set(d, p.c1),        hn::Set(d, p.c2),
            hn::Set(d, p.eps),      hn::Set(d, p.eps_root),  hn::Set(d, p.l2),        hn::Set(d, p.keep_pre),
            hn::Set(d, p.keep_post), hn::Set(d, p.step_size), hn::Set(d, p.bc2),      hn::Set(d, p.bc2_sqrt)};
  }
  template <class D>
  static void update(D, const Consts<D>& c, const Params& p, hn::Vec<D>* x, hn::Vec<D> g) {
    using V = hn::Vec<D>;
    V theta = x[0];
    if constexpr (kDecay) {
      if (p.l2_on) g = hn::MulAdd(c.l2, theta, g);
      if (p.pre) theta = hn::Mul(c.keep_pre, theta);
    }
    const V m = hn::MulAdd(c.beta1, x[1], hn::Mul(c.c1, g));
    const V v = hn::MulAdd(c.beta2, x[2], hn::Mul(hn::Mul(c.c2, g), g));
    x[1] = m;
    x[2] = v;
    V denom;
    if constexpr (kMax == AdamMax::v_hat) {
      const V vmax = hn::Max(x[3], hn::Div(v, c.bc2));
      x[3] = vmax;
      if constexpr (kDenom == AdamDenom::inside) denom = hn::Sqrt(hn::Add(vmax, c.eps));
      else if constexpr (kDenom == AdamDenom::outside_root) denom = hn::Add(hn::Sqrt(hn::Add(vmax, c.eps_root)), c.eps);
      else denom = hn::Add(hn::Sqrt(vmax), c.eps);
    } else {
      V w = v;
      if constexpr (kMax == AdamMax::v) {
        w = hn::Max(x[3], v);
        x[3] = w;
      }
      if constexpr (kDenom == AdamDenom::outside) denom = hn::Add(hn::Div(hn::Sqrt(w), c.bc2_sqrt), c.eps);
      else if constexpr (kDenom == AdamDenom::outside_root)
        denom = hn::Add(hn::Sqrt(hn::Add(hn::Div(w, c.bc2), c.eps_root)), c.eps);
      else if constexpr (kDenom == AdamDenom::inside) denom = hn::Sqrt(hn::Add(hn::Div(w, c.bc2), c.eps));
      else denom = hn::Add(hn::Sqrt(w), c.eps);
    }
    theta = hn::NegMulAdd(c.step_size, hn::Div(m, denom), theta);
    if constexpr (kDecay) {
      if (p.post) theta = hn::Mul(c.keep_post, theta);
    }
    x[0] = theta;
  }
};

/// RunRule, or RunMixedRule for a MixedRuleJob (T = float).
template <class Kernel, class T, class Params>
void RunAdam(const RuleJob<T, Params>& job) {
  RunRule<Kernel, T>(job);
}
template <class Kernel, class T, class Params>
void RunAdam(const MixedRuleJob<Params>& job) {
  RunMixedRule<Kernel>(job);
}

template <class T, AdamDenom kDenom, AdamMax kMax, class Job>
void AdamDecayed(const Job& job) {
  if (job.per_step[0].decay) RunAdam<AdamKernel<T, kDenom, kMax, true>, T>(job);
  else RunAdam<AdamKernel<T, kDenom, kMax, false>, T>(job);
}

template <class T, AdamDenom kDenom, class Job>
void AdamMaxed(const Job& job) {
  switch (job.per_step[0].max) {
    case AdamMax::none: return AdamDecayed<T, kDenom, AdamMax::none>(job);
    case AdamMax::v: return AdamDecayed<T, kDenom, AdamMax::v>(job);
    case AdamMax::v_hat:
      if constexpr (kDenom != AdamDenom::eps_hat) return AdamDecayed<T, kDenom, AdamMax::v_hat>(job);
      return;  // refused by spec::validate_core
  }
}

template <class T, class Job>
void AdamRun(const Job& job) {
  switch (job.per_step[0].denom) {
    case AdamDenom::outside: return AdamMaxed<T, AdamDenom::outside>(job);
    case AdamDenom::outside_root: return AdamMaxed<T, AdamDenom::outside_root>(job);
    case AdamDenom::inside: return AdamMaxed<T, AdamDenom::inside>(job);
    case AdamDenom::eps_hat: return AdamMaxed<T, AdamDenom::eps_hat>(job);
  }
}

void AdamFloat(const RuleJob<float, AdamParams<float>>& job) { AdamRun<float>(job); }
void AdamDouble(const RuleJob<double, AdamParams<double>>& job) { AdamRun<double>(job); }
void AdamMixed(const MixedRuleJob<AdamParams<float>>& job) { AdamRun<float>(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>

#include "gradref/fast/rules/adam.hpp"
#include "rules/adam_traits.hpp"
#include "rules/mixed_rule_dispatch.hpp"

namespace gradref::fast {
namespace detail {
HWY_EXPORT(AdamFloat);
HWY_EXPORT(AdamDouble);
HWY_EXPORT(AdamMixed);
void run(const RuleJob<float, AdamParams<float>>& job) { HWY_DYNAMIC_DISPATCH(AdamFloat)(job); }
void run(const RuleJob<double, AdamParams<double>>& job) { HWY_DYNAMIC_DISPATCH(AdamDouble)(job); }
void run(const MixedRuleJob<AdamParams<float>>& job) { HWY_DYNAMIC_DISPATCH(AdamMixed)(job); }

template <class T>
std::vector<AdamParams<T>> adam_per_step(const spec::AdamCore& s, const spec::AdamDecay& d, std::int64_t step,
                                         std::int64_t steps) {
  using spec::DecoupledDecay;
  AdamParams<T> p{};
  p.beta1 = static_cast<T>(s.beta1);
  p.beta2 = static_cast<T>(s.beta2);
  p.c1 = static_cast<T>(1.0 - s.beta1);
  p.c2 = static_cast<T>(1.0 - s.beta2);
  p.eps = static_cast<T>(s.eps);
  p.eps_root = static_cast<T>(s.eps_root);
  const double lr = d.schedule_multiplier * s.lr;
  p.l2 = static_cast<T>(d.coupled);
  p.keep_pre = static_cast<T>(d.style == DecoupledDecay::lr_scaled ? 1.0 - lr * d.decoupled
                                                                    : 1.0 - d.schedule_multiplier * d.decoupled);
  p.keep_post = static_cast<T>(1.0 - d.decoupled);
  const bool hat = s.eps_placement == spec::EpsPlacement::eps_hat;
  p.denom = hat ? AdamDenom::eps_hat
                : s.eps_placement == spec::EpsPlacement::inside ? AdamDenom::inside
                : s.eps_root != 0.0                             ? AdamDenom::outside_root
                                                                : AdamDenom::outside;
  p.max = !s.amsgrad ? AdamMax::none : s.amsgrad_max == spec::AmsgradMax::v ? AdamMax::v : AdamMax::v_hat;
  p.l2_on = d.coupled != 0.0;
  p.pre = d.style == DecoupledDecay::lr_scaled || d.style == DecoupledDecay::schedule_scaled;
  p.post = d.style == DecoupledDecay::post_step;
  p.decay = p.l2_on || p.pre || p.post;
  std::vector<AdamParams<T>> per_step(static_cast<std::size_t>(steps), p);
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = s.bias_correction_step == spec::BiasCorrectionStep::current ? step + k + 1 : step + k;
    const bool corrected = s.bias_correction && t > 0;
    const double bc1 = corrected ? 1.0 - std::pow(s.beta1, static_cast<double>(t)) : 1.0;
    const double bc2 = corrected ? 1.0 - std::pow(s.beta2, static_cast<double>(t)) : 1.0;
    const double bc2_sqrt = std::sqrt(bc2);
    AdamParams<T>& q = per_step[static_cast<std::size_t>(k)];
    q.step_size = static_cast<T>(hat ? lr * bc2_sqrt / bc1 : lr / bc1);
    q.bc2 = static_cast<T>(bc2);
    q.bc2_sqrt = static_cast<T>(bc2_sqrt);
  }
  return per_step;
}

template std::vector<AdamParams<float>> adam_per_step<float>(const spec::AdamCore&, const spec::AdamDecay&,
                                                             std::int64_t, std::int64_t);
template std::vector<AdamParams<double>> adam_per_step<double>(const spec::AdamCore&, const spec::AdamDecay&,
                                                               std::int64_t, std::int64_t);

}  // namespace detail

template <class T>
void step(const spec::Adam& s, RuleBuffers<T>& b) {
  detail::step_one(s, b);
}
void step(const spec::Adam& s, MixedRuleBuffers& b) { detail::step_mixed(s, b); }

template void step<float>(const spec::Adam&, RuleBuffers<float>&);
template void step<double>(const spec::Adam&, RuleBuffers<double>&);
template void step(std::span<RuleGroup<spec::Adam, float>>);
template void step(std::span<RuleGroup<spec::Adam, double>>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
