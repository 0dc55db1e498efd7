// Fast AdaGrad. Per element, in T, the reference's order (adagrad_impl.hpp):
//   [theta -= clr_wd theta]; [g += wd theta]; S = S + g g;
//   denom = sqrt(S) + eps  or  sqrt(S + eps);  theta -= (clr g) / denom
// and, with zero_guard, no update where S = 0. S = 0 exactly when the old S and g
// are both 0 (S is a sum of squares): the kernel tests that, not the rounded S,
// which is also 0 where g^2 underflows.
// MulAdd may fuse a product into the following sum, which only removes a rounding.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "rules/adagrad.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "rules/adagrad_params.hpp"
#include "rules/elementwise_rule-inl.h"
#include "rules/mixed_rule-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class T>
struct AdagradKernel {
  using Params = AdagradParams<T>;
  template <class D>
  struct Consts {
    hn::Vec<D> clr, clr_wd, wd, eps;
  };
  template <class D>
  static Consts<D> load(D d, const Params& p) {
    return {hn::Set(d, p.clr), hn::Set(d, p.clr_wd), hn::Set(d, p.wd), hn::Set(d, p.eps)};
  }
  template <class D>
  static void update(D d, const Consts<D>& c, const Params& p, hn::Vec<D>* x, hn::Vec<D> g) {
    hn::Vec<D> theta = x[0];
    if (p.decoupled) theta = hn::NegMulAdd(c.clr_wd, theta, theta);
    if (p.coupled) g = hn::MulAdd(c.wd, theta, g);
    const hn::Vec<D> sum_old = x[1];
    const hn::Vec<D> sum = hn::MulAdd(g, g, sum_old);
    const hn::Vec<D> denom = p.outside ? hn::Add(hn::Sqrt(sum), c.eps) : hn::Sqrt(hn::Add(sum, c.eps));
    const hn::Vec<D> stepped = hn::Sub(theta, hn::Div(hn::Mul(c.clr, g), denom));
    if (p.zero_guard) {
      const hn::Vec<D> zero = hn::Zero(d);
      theta = hn::IfThenElse(hn::Or(hn::Gt(sum_old, zero), hn::Ne(g, zero)), stepped, theta);
    } else {
      theta = stepped;
    }
    x[0] = theta;
    x[1] = sum;
  }
};

void AdagradFloat(const RuleJob<float, AdagradParams<float>>& job) { RunRule<AdagradKernel<float>, float>(job); }
void AdagradMixed(const MixedRuleJob<AdagradParams<float>>& job) { RunMixedRule<AdagradKernel<float>>(job); }
void AdagradDouble(const RuleJob<double, AdagradParams<double>>& job) { RunRule<AdagradKernel<double>, double>(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "gradref/fast/rules/adagrad.hpp"
#include "rules/mixed_rule_dispatch.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast {
namespace detail {
HWY_EXPORT(AdagradFloat);
HWY_EXPORT(AdagradDouble);
HWY_EXPORT(AdagradMixed);
void run(const RuleJob<float, AdagradParams<float>>& job) { HWY_DYNAMIC_DISPATCH(AdagradFloat)(job); }
void run(const RuleJob<double, AdagradParams<double>>& job) { HWY_DYNAMIC_DISPATCH(AdagradDouble)(job); }
void run(const MixedRuleJob<AdagradParams<float>>& job) { HWY_DYNAMIC_DISPATCH(AdagradMixed)(job); }
}  // namespace detail

namespace detail {
template <>
struct RuleTraits<spec::Adagrad> {
  template <class T>
  static std::vector<AdagradParams<T>> per_step(const spec::Adagrad& s, RuleBuffers<T>& b, std::int64_t steps) {
    std::vector<AdagradParams<T>> per_step(static_cast<std::size_t>(steps));
    for (std::int64_t k = 0; k < steps; ++k) {
      const double t = static_cast<double>(b.step + k + 1);
      const double clr = s.lr / (1.0 + (t - 1.0) * s.lr_decay);
      AdagradParams<T>& p = per_step[static_cast<std::size_t>(k)];
      p.clr = static_cast<T>(clr);
      p.clr_wd = static_cast<T>(clr * s.weight_decay);
      p.wd = static_cast<T>(s.weight_decay);
      p.eps = static_cast<T>(s.eps);
      p.coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
      p.decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
      p.outside = s.eps_placement == spec::RootEps::outside;
      p.zero_guard = s.zero_guard;
    }
    return per_step;
  }
};
}  // namespace detail

template <class T>
void step(const spec::Adagrad& s, RuleBuffers<T>& b) {
  detail::step_one(s, b);
}
void step(const spec::Adagrad& s, MixedRuleBuffers& b) { detail::step_mixed(s, b); }

template void step<float>(const spec::Adagrad&, RuleBuffers<float>&);
template void step<double>(const spec::Adagrad&, RuleBuffers<double>&);
template void step(std::span<RuleGroup<spec::Adagrad, float>>);
template void step(std::span<RuleGroup<spec::Adagrad, double>>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
