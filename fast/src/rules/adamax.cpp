// Fast Adamax. Per element, in T, the reference's order (adamax_impl.hpp):
//   [theta -= lr_wd theta]; [g += wd theta];  m = beta1 m + c1 g
//   in_max:      u = max(beta2 u, |g| + eps);  theta -= step_size (m / u)
//   denominator: u = max(beta2 u, |g|);        theta -= step_size (m / (u + eps))
// MulAdd may fuse a product into the following sum, which only removes a rounding.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "rules/adamax.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "rules/adamax_params.hpp"
#include "rules/elementwise_rule-inl.h"
#include "rules/mixed_rule-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class T>
struct AdamaxKernel {
  using Params = AdamaxParams<T>;
  template <class D>
  struct Consts {
    hn::Vec<D> beta1, c1, beta2, wd, lr_wd, eps, step_size;
  };
  template <class D>
  static Consts<D> load(D d, const Params& p) {
    return {hn::Set(d, p.beta1), hn::Set(d, p.c1),  hn::Set(d, p.beta2),    hn::Set(d, p.wd),
            hn::Set(d, p.lr_wd), hn::Set(d, p.eps), hn::Set(d, p.step_size)};
  }
  template <class D>
  static void update(D, const Consts<D>& c, const Params& p, hn::Vec<D>* x, hn::Vec<D> g) {
    hn::Vec<D> theta = x[0];
    if (p.decoupled) theta = hn::NegMulAdd(c.lr_wd, theta, theta);
    if (p.coupled) g = hn::MulAdd(c.wd, theta, g);
    const hn::Vec<D> m = hn::MulAdd(c.beta1, x[1], hn::Mul(c.c1, g));
    const hn::Vec<D> decayed = hn::Mul(c.beta2, x[2]);
    hn::Vec<D> u;
    if (p.in_max) {
      u = hn::Max(decayed, hn::Add(hn::Abs(g), c.eps));
      theta = hn::NegMulAdd(c.step_size, hn::Div(m, u), theta);
    } else {
      u = hn::Max(decayed, hn::Abs(g));
      theta = hn::NegMulAdd(c.step_size, hn::Div(m, hn::Add(u, c.eps)), theta);
    }
    x[0] = theta;
    x[1] = m;
    x[2] = u;
  }
};

void AdamaxFloat(const RuleJob<float, AdamaxParams<float>>& job) { RunRule<AdamaxKernel<float>, float>(job); }
void AdamaxMixed(const MixedRuleJob<AdamaxParams<float>>& job) { RunMixedRule<AdamaxKernel<float>>(job); }
void AdamaxDouble(const RuleJob<double, AdamaxParams<double>>& job) { RunRule<AdamaxKernel<double>, double>(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>

#include "gradref/fast/rules/adamax.hpp"
#include "rules/mixed_rule_dispatch.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast {
namespace detail {
HWY_EXPORT(AdamaxFloat);
HWY_EXPORT(AdamaxDouble);
HWY_EXPORT(AdamaxMixed);
void run(const RuleJob<float, AdamaxParams<float>>& job) { HWY_DYNAMIC_DISPATCH(AdamaxFloat)(job); }
void run(const RuleJob<double, AdamaxParams<double>>& job) { HWY_DYNAMIC_DISPATCH(AdamaxDouble)(job); }
void run(const MixedRuleJob<AdamaxParams<float>>& job) { HWY_DYNAMIC_DISPATCH(AdamaxMixed)(job); }
}  // namespace detail

namespace detail {
template <>
struct RuleTraits<spec::Adamax> {
  template <class T>
  static std::vector<AdamaxParams<T>> per_step(const spec::Adamax& s, RuleBuffers<T>& b, std::int64_t steps) {
    std::vector<AdamaxParams<T>> per_step(static_cast<std::size_t>(steps));
    for (std::int64_t k = 0; k < steps; ++k) {
      const double t = static_cast<double>(b.step + k + 1);
      AdamaxParams<T>& p = per_step[static_cast<std::size_t>(k)];
      p.beta1 = static_cast<T>(s.beta1);
      p.c1 = static_cast<T>(1.0 - s.beta1);
      p.beta2 = static_cast<T>(s.beta2);
      p.wd = static_cast<T>(s.weight_decay);
      p.lr_wd = static_cast<T>(s.lr * s.weight_decay);
      p.eps = static_cast<T>(s.eps);
      p.step_size = static_cast<T>(s.lr / (1.0 - std::pow(s.beta1, t)));
      p.coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
      p.decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
      p.in_max = s.eps_placement == spec::AdamaxEps::in_max;
    }
    return per_step;
  }
};
}  // namespace detail

template <class T>
void step(const spec::Adamax& s, RuleBuffers<T>& b) {
  detail::step_one(s, b);
}
void step(const spec::Adamax& s, MixedRuleBuffers& b) { detail::step_mixed(s, b); }

template void step<float>(const spec::Adamax&, RuleBuffers<float>&);
template void step<double>(const spec::Adamax&, RuleBuffers<double>&);
template void step(std::span<RuleGroup<spec::Adamax, float>>);
template void step(std::span<RuleGroup<spec::Adamax, double>>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
