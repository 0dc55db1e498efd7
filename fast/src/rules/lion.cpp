// Fast Lion. Per element, in T, the reference's order (lion_impl.hpp):
//   [theta -= lr_wd theta];  c = c1 g + beta1 m;  theta -= lr sign(c);  m = c2 g + beta2 m
// sign(0) = 0 and sign(NaN) = NaN, like jnp.sign. MulAdd may fuse a product into the
// following sum, which only removes a rounding.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "rules/lion.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "rules/elementwise_rule-inl.h"
#include "rules/mixed_rule-inl.h"
#include "rules/lion_params.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class T>
struct LionKernel {
  using Params = LionParams<T>;
  template <class D>
  struct Consts {
    hn::Vec<D> lr, beta1, c1, beta2, c2, lr_wd, one;
  };
  template <class D>
  static Consts<D> load(D d, const Params& p) {
    return {hn::Set(d, p.lr), hn::Set(d, p.beta1), hn::Set(d, p.c1), hn::Set(d, p.beta2),
            hn::Set(d, p.c2), hn::Set(d, p.lr_wd), hn::Set(d, T(1))};
  }
  template <class D>
  static void update(D d, const Consts<D>& c, const Params& p, hn::Vec<D>* x, hn::Vec<D> g) {
    hn::Vec<D> theta = x[0];
    const hn::Vec<D> m = x[1];
    if (p.decay) theta = hn::NegMulAdd(c.lr_wd, theta, theta);
    const hn::Vec<D> interp = hn::MulAdd(c.c1, g, hn::Mul(c.beta1, m));
    const hn::Vec<D> nonzero_sign = hn::IfThenElse(hn::IsNaN(interp), interp, hn::CopySign(c.one, interp));
    const hn::Vec<D> sign = hn::IfThenElseZero(hn::Ne(interp, hn::Zero(d)), nonzero_sign);
    theta = hn::NegMulAdd(c.lr, sign, theta);
    x[0] = theta;
    x[1] = hn::MulAdd(c.c2, g, hn::Mul(c.beta2, m));
  }
};

void LionFloat(const RuleJob<float, LionParams<float>>& job) { RunRule<LionKernel<float>, float>(job); }
void LionMixed(const MixedRuleJob<LionParams<float>>& job) { RunMixedRule<LionKernel<float>>(job); }
void LionDouble(const RuleJob<double, LionParams<double>>& job) { RunRule<LionKernel<double>, double>(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "gradref/fast/rules/lion.hpp"
#include "rules/mixed_rule_dispatch.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast {
namespace detail {
HWY_EXPORT(LionFloat);
HWY_EXPORT(LionDouble);
HWY_EXPORT(LionMixed);
void run(const RuleJob<float, LionParams<float>>& job) { HWY_DYNAMIC_DISPATCH(LionFloat)(job); }
void run(const RuleJob<double, LionParams<double>>& job) { HWY_DYNAMIC_DISPATCH(LionDouble)(job); }
void run(const MixedRuleJob<LionParams<float>>& job) { HWY_DYNAMIC_DISPATCH(LionMixed)(job); }
}  // namespace detail

namespace detail {
template <>
struct RuleTraits<spec::Lion> {
  template <class T>
  static std::vector<LionParams<T>> per_step(const spec::Lion& s, RuleBuffers<T>&, std::int64_t steps) {
    LionParams<T> p;
    p.lr = static_cast<T>(s.lr);
    p.beta1 = static_cast<T>(s.beta1);
    p.c1 = static_cast<T>(1.0 - s.beta1);
    p.beta2 = static_cast<T>(s.beta2);
    p.c2 = static_cast<T>(1.0 - s.beta2);
    p.lr_wd = static_cast<T>(s.lr * s.weight_decay);
    p.decay = s.weight_decay != 0;
    return std::vector<LionParams<T>>(static_cast<std::size_t>(steps), p);
  }
};
}  // namespace detail

template <class T>
void step(const spec::Lion& s, RuleBuffers<T>& b) {
  detail::step_one(s, b);
}
void step(const spec::Lion& s, MixedRuleBuffers& b) { detail::step_mixed(s, b); }

template void step<float>(const spec::Lion&, RuleBuffers<float>&);
template void step<double>(const spec::Lion&, RuleBuffers<double>&);
template void step(std::span<RuleGroup<spec::Lion, float>>);
template void step(std::span<RuleGroup<spec::Lion, double>>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
