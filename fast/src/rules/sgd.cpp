// Fast SGD with momentum. Per element, in T, the reference's order (sgd_impl.hpp):
//   [theta -= lr_wd theta]; [g += wd theta];
//   plain:      theta -= lr g
//   heavy_ball: b = first ? g : mu b + gain g;  theta -= lr (nesterov ? g + mu b : b)
//   velocity:   v = mu v - lr g;                theta += nesterov ? mu v - lr g : v
// MulAdd may fuse a product into the following sum, which only removes a rounding.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "rules/sgd.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "rules/elementwise_rule-inl.h"
#include "rules/mixed_rule-inl.h"
#include "rules/sgd_params.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class T>
struct SgdKernel {
  using Params = SgdParams<T>;
  template <class D>
  struct Consts {
    hn::Vec<D> lr, mu, gain, wd, lr_wd;
  };
  template <class D>
  static Consts<D> load(D d, const Params& p) {
    return {hn::Set(d, p.lr), hn::Set(d, p.mu), hn::Set(d, p.gain), hn::Set(d, p.wd), hn::Set(d, p.lr_wd)};
  }
  template <class D>
  static void update(D, const Consts<D>& c, const Params& p, hn::Vec<D>* x, hn::Vec<D> g) {
    hn::Vec<D> theta = x[0];
    if (p.decoupled) theta = hn::NegMulAdd(c.lr_wd, theta, theta);
    if (p.coupled) g = hn::MulAdd(c.wd, theta, g);
    if (!p.momentum) {
      theta = hn::NegMulAdd(c.lr, g, theta);
    } else if (p.heavy_ball) {
      const hn::Vec<D> b = p.first ? g : hn::MulAdd(c.mu, x[1], hn::Mul(c.gain, g));
      x[1] = b;
      theta = hn::NegMulAdd(c.lr, p.nesterov ? hn::MulAdd(c.mu, b, g) : b, theta);
    } else {
      const hn::Vec<D> v = hn::NegMulAdd(c.lr, g, hn::Mul(c.mu, x[1]));
      x[1] = v;
      theta = hn::Add(theta, p.nesterov ? hn::NegMulAdd(c.lr, g, hn::Mul(c.mu, v)) : v);
    }
    x[0] = theta;
  }
};

void SgdFloat(const RuleJob<float, SgdParams<float>>& job) { RunRule<SgdKernel<float>, float>(job); }
void SgdMixed(const MixedRuleJob<SgdParams<float>>& job) { RunMixedRule<SgdKernel<float>>(job); }
void SgdDouble(const RuleJob<double, SgdParams<double>>& job) { RunRule<SgdKernel<double>, double>(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "gradref/fast/rules/sgd.hpp"
#include "rules/mixed_rule_dispatch.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast {
namespace detail {
HWY_EXPORT(SgdFloat);
HWY_EXPORT(SgdDouble);
HWY_EXPORT(SgdMixed);
void run(const RuleJob<float, SgdParams<float>>& job) { HWY_DYNAMIC_DISPATCH(SgdFloat)(job); }
void run(const RuleJob<double, SgdParams<double>>& job) { HWY_DYNAMIC_DISPATCH(SgdDouble)(job); }
void run(const MixedRuleJob<SgdParams<float>>& job) { HWY_DYNAMIC_DISPATCH(SgdMixed)(job); }
}  // namespace detail

namespace detail {
template <>
struct RuleTraits<spec::Sgd> {
  template <class T>
  static std::vector<SgdParams<T>> per_step(const spec::Sgd& s, RuleBuffers<T>& b, std::int64_t steps) {
    std::vector<SgdParams<T>> per_step(static_cast<std::size_t>(steps));
    for (std::int64_t k = 0; k < steps; ++k) {
      SgdParams<T>& p = per_step[static_cast<std::size_t>(k)];
      p.lr = static_cast<T>(s.lr);
      p.mu = static_cast<T>(s.momentum);
      p.gain = static_cast<T>(1.0 - s.dampening);
      p.wd = static_cast<T>(s.weight_decay);
      p.lr_wd = static_cast<T>(s.lr * s.weight_decay);
      p.coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
      p.decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
      p.momentum = s.momentum != 0;
      p.heavy_ball = s.momentum_form == spec::MomentumForm::heavy_ball;
      p.nesterov = s.nesterov;
      p.first = b.step + k == 0;
    }
    return per_step;
  }
};
}  // namespace detail

template <class T>
void step(const spec::Sgd& s, RuleBuffers<T>& b) {
  detail::step_one(s, b);
}
void step(const spec::Sgd& s, MixedRuleBuffers& b) { detail::step_mixed(s, b); }

template void step<float>(const spec::Sgd&, RuleBuffers<float>&);
template void step<double>(const spec::Sgd&, RuleBuffers<double>&);
template void step(std::span<RuleGroup<spec::Sgd, float>>);
template void step(std::span<RuleGroup<spec::Sgd, double>>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
