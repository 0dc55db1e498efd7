// Fast RMSProp. Per element, in T, the reference's order (rmsprop_impl.hpp):
//   [theta -= lr_wd theta]; [g += wd theta]; v = rho v + (c g) g;  w = v [/ bc];
//   [gbar = rho gbar + c g;  w = w - (gbar [/ bc])^2];
//   denom = sqrt(w) + eps  or  sqrt(w + eps);  then the momentum form:
//   none:       theta -= (lr g) / denom
//   heavy_ball: s = g / denom;        b = mu b + s;  theta -= lr (nesterov ? s + mu b : b)
//   lr_inside:  s = (lr g) / denom;   m = mu m + s;  theta -= nesterov ? s + mu m : m
//   velocity:   s = (lr g) / denom;   u = mu u - s;  theta += nesterov ? mu u - s : u
// MulAdd may fuse a product into the following sum, which only removes a rounding;
// w - gbar^2 is left unfused, so w = 0 exactly where v and gbar^2 round alike.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "rules/rmsprop.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "rules/elementwise_rule-inl.h"
#include "rules/mixed_rule-inl.h"
#include "rules/rmsprop_params.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class T>
struct RmspropKernel {
  using Params = RmspropParams<T>;
  template <class D>
  struct Consts {
    hn::Vec<D> lr, rho, c, eps, mu, wd, lr_wd, bc;
  };
  template <class D>
  static Consts<D> load(D d, const Params& p) {
    return {hn::Set(d, p.lr), hn::Set(d, p.rho), hn::Set(d, p.c),     hn::Set(d, p.eps),
            hn::Set(d, p.mu), hn::Set(d, p.wd),  hn::Set(d, p.lr_wd), hn::Set(d, p.bc)};
  }
  template <class D>
  static void update(D, const Consts<D>& c, const Params& p, hn::Vec<D>* x, hn::Vec<D> g) {
    using V = hn::Vec<D>;
    V theta = x[0];
    if (p.decoupled) theta = hn::NegMulAdd(c.lr_wd, theta, theta);
    if (p.coupled) g = hn::MulAdd(c.wd, theta, g);
    const V v = hn::MulAdd(c.rho, x[1], hn::Mul(hn::Mul(c.c, g), g));
    x[1] = v;
    V w = p.bias_correction ? hn::Div(v, c.bc) : v;
    if (p.centered) {
      const V gbar = hn::MulAdd(c.rho, x[2], hn::Mul(c.c, g));
      x[2] = gbar;
      const V gbar_hat = p.bias_correction ? hn::Div(gbar, c.bc) : gbar;
      w = hn::Sub(w, hn::Mul(gbar_hat, gbar_hat));
    }
    const V denom = p.outside ? hn::Add(hn::Sqrt(w), c.eps) : hn::Sqrt(hn::Add(w, c.eps));
    const int mom = p.centered ? 3 : 2;
    switch (p.form) {
      case 0:
        theta = hn::Sub(theta, hn::Div(hn::Mul(c.lr, g), denom));
        break;
      case 1: {
        const V s = hn::Div(g, denom);
        const V b = hn::MulAdd(c.mu, x[mom], s);
        x[mom] = b;
        theta = hn::NegMulAdd(c.lr, p.nesterov ? hn::MulAdd(c.mu, b, s) : b, theta);
        break;
      }
      case 2: {
        const V s = hn::Div(hn::Mul(c.lr, g), denom);
        const V m = hn::MulAdd(c.mu, x[mom], s);
        x[mom] = m;
        theta = hn::Sub(theta, p.nesterov ? hn::MulAdd(c.mu, m, s) : m);
        break;
      }
      default: {
        const V s = hn::Div(hn::Mul(c.lr, g), denom);
        const V u = hn::MulSub(c.mu, x[mom], s);
        x[mom] = u;
        theta = hn::Add(theta, p.nesterov ? hn::MulSub(c.mu, u, s) : u);
        break;
      }
    }
    x[0] = theta;
  }
};

void RmspropFloat(const RuleJob<float, RmspropParams<float>>& job) { RunRule<RmspropKernel<float>, float>(job); }
void RmspropMixed(const MixedRuleJob<RmspropParams<float>>& job) { RunMixedRule<RmspropKernel<float>>(job); }
void RmspropDouble(const RuleJob<double, RmspropParams<double>>& job) { RunRule<RmspropKernel<double>, double>(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>

#include "gradref/fast/rules/rmsprop.hpp"
#include "rules/mixed_rule_dispatch.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast {
namespace detail {
HWY_EXPORT(RmspropFloat);
HWY_EXPORT(RmspropDouble);
HWY_EXPORT(RmspropMixed);
void run(const RuleJob<float, RmspropParams<float>>& job) { HWY_DYNAMIC_DISPATCH(RmspropFloat)(job); }
void run(const RuleJob<double, RmspropParams<double>>& job) { HWY_DYNAMIC_DISPATCH(RmspropDouble)(job); }
void run(const MixedRuleJob<RmspropParams<float>>& job) { HWY_DYNAMIC_DISPATCH(RmspropMixed)(job); }
}  // namespace detail

namespace detail {
template <>
struct RuleTraits<spec::Rmsprop> {
  template <class T>
  static std::vector<RmspropParams<T>> per_step(const spec::Rmsprop& s, RuleBuffers<T>& b, std::int64_t steps) {
    std::vector<RmspropParams<T>> per_step(static_cast<std::size_t>(steps));
    for (std::int64_t k = 0; k < steps; ++k) {
      const double t = static_cast<double>(b.step + k + 1);
      RmspropParams<T>& p = per_step[static_cast<std::size_t>(k)];
      p.lr = static_cast<T>(s.lr);
      p.rho = static_cast<T>(s.rho);
      p.c = static_cast<T>(1.0 - s.rho);
      p.eps = static_cast<T>(s.eps);
      p.mu = static_cast<T>(s.momentum);
      p.wd = static_cast<T>(s.weight_decay);
      p.lr_wd = static_cast<T>(s.lr * s.weight_decay);
      p.bc = static_cast<T>(s.bias_correction ? 1.0 - std::pow(s.rho, t) : 1.0);
      p.coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
      p.decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
      p.outside = s.eps_placement == spec::RootEps::outside;
      p.centered = s.centered;
      p.bias_correction = s.bias_correction;
      p.nesterov = s.nesterov;
      p.form = s.momentum == 0 ? 0 : 1 + static_cast<int>(s.momentum_form);
    }
    return per_step;
  }
};
}  // namespace detail

template <class T>
void step(const spec::Rmsprop& s, RuleBuffers<T>& b) {
  detail::step_one(s, b);
}
void step(const spec::Rmsprop& s, MixedRuleBuffers& b) { detail::step_mixed(s, b); }

template void step<float>(const spec::Rmsprop&, RuleBuffers<float>&);
template void step<double>(const spec::Rmsprop&, RuleBuffers<double>&);
template void step(std::span<RuleGroup<spec::Rmsprop, float>>);
template void step(std::span<RuleGroup<spec::Rmsprop, double>>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
