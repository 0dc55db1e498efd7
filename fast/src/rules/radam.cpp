// Fast RAdam. Per element, in T, the reference's order (radam_impl.hpp):
//   [theta -= lr_wd theta]; [g += wd theta];  m = beta1 m + c1 g;  v = beta2 v + (c2 g) g
//   rectified:  theta -= step_size (m / (root + eps)),  root = sqrt(v) (raw) or sqrt(v / bc2 [+ eps_root])
//   otherwise:  theta -= step_size m
// MulAdd may fuse a product into the following sum, which only removes a rounding.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "rules/radam.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "rules/elementwise_rule-inl.h"
#include "rules/mixed_rule-inl.h"
#include "rules/radam_params.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class T>
struct RadamKernel {
  using Params = RadamParams<T>;
  template <class D>
  struct Consts {
    hn::Vec<D> beta1, c1, beta2, c2, wd, lr_wd, bc2, eps, eps_root, step_size;
  };
  template <class D>
  static Consts<D> load(D d, const Params& p) {
    return {hn::Set(d, p.beta1), hn::Set(d, p.c1),  hn::Set(d, p.beta2), hn::Set(d, p.c2),
            hn::Set(d, p.wd),    hn::Set(d, p.lr_wd), hn::Set(d, p.bc2), hn::Set(d, p.eps),
            hn::Set(d, p.eps_root), hn::Set(d, p.step_size)};
  }
  template <class D>
  static void update(D, const Consts<D>& c, const Params& p, hn::Vec<D>* x, hn::Vec<D> g) {
    hn::Vec<D> theta = x[0];
    if (p.decoupled) theta = hn::NegMulAdd(c.lr_wd, theta, theta);
    if (p.coupled) g = hn::MulAdd(c.wd, theta, g);
    const hn::Vec<D> m = hn::MulAdd(c.beta1, x[1], hn::Mul(c.c1, g));
    const hn::Vec<D> v = hn::MulAdd(c.beta2, x[2], hn::Mul(hn::Mul(c.c2, g), g));
    if (!p.rectified) {
      theta = hn::NegMulAdd(c.step_size, m, theta);
    } else {
      hn::Vec<D> root;
      if (p.raw) {
        root = hn::Sqrt(v);
      } else {
        const hn::Vec<D> v_hat = hn::Div(v, c.bc2);
        root = hn::Sqrt(p.eps_root_used ? hn::Add(v_hat, c.eps_root) : v_hat);
      }
      theta = hn::NegMulAdd(c.step_size, hn::Div(m, hn::Add(root, c.eps)), theta);
    }
    x[0] = theta;
    x[1] = m;
    x[2] = v;
  }
};

void RadamFloat(const RuleJob<float, RadamParams<float>>& job) { RunRule<RadamKernel<float>, float>(job); }
void RadamMixed(const MixedRuleJob<RadamParams<float>>& job) { RunMixedRule<RadamKernel<float>>(job); }
void RadamDouble(const RuleJob<double, RadamParams<double>>& job) { RunRule<RadamKernel<double>, double>(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>

#include "gradref/fast/rules/radam.hpp"
#include "rules/mixed_rule_dispatch.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast {
namespace detail {
HWY_EXPORT(RadamFloat);
HWY_EXPORT(RadamDouble);
HWY_EXPORT(RadamMixed);
void run(const RuleJob<float, RadamParams<float>>& job) { HWY_DYNAMIC_DISPATCH(RadamFloat)(job); }
void run(const RuleJob<double, RadamParams<double>>& job) { HWY_DYNAMIC_DISPATCH(RadamDouble)(job); }
void run(const MixedRuleJob<RadamParams<float>>& job) { HWY_DYNAMIC_DISPATCH(RadamMixed)(job); }
}  // namespace detail

namespace detail {
template <>
struct RuleTraits<spec::Radam> {
  template <class T>
  static std::vector<RadamParams<T>> per_step(const spec::Radam& s, RuleBuffers<T>& b, std::int64_t steps) {
    const bool raw = s.eps_placement == spec::RadamEps::raw;
    const double c2 = 1.0 - s.beta2;
    const double rho_inf = 2.0 / c2 - 1.0;
    std::vector<RadamParams<T>> per_step(static_cast<std::size_t>(steps));
    for (std::int64_t k = 0; k < steps; ++k) {
      const double t = static_cast<double>(b.step + k + 1);
      RadamParams<T>& p = per_step[static_cast<std::size_t>(k)];
      const double bc1 = 1.0 - std::pow(s.beta1, t);
      const double beta2_t = std::pow(s.beta2, t);
      const double bc2 = 1.0 - beta2_t;
      const double rho = rho_inf - 2.0 * t * beta2_t / bc2;
      p.rectified = s.threshold_test == spec::ThresholdTest::strict ? rho > s.threshold : rho >= s.threshold;
      double step_size = s.lr / bc1;
      if (p.rectified) {
        const double rect = std::sqrt((rho - 4.0) * (rho - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho));
        step_size = raw ? s.lr * rect * std::sqrt(bc2) / bc1 : s.lr * rect / bc1;
      }
      p.beta1 = static_cast<T>(s.beta1);
      p.c1 = static_cast<T>(1.0 - s.beta1);
      p.beta2 = static_cast<T>(s.beta2);
      p.c2 = static_cast<T>(c2);
      p.wd = static_cast<T>(s.weight_decay);
      p.lr_wd = static_cast<T>(s.lr * s.weight_decay);
      p.bc2 = static_cast<T>(bc2);
      p.eps = static_cast<T>(s.eps);
      p.eps_root = static_cast<T>(s.eps_root);
      p.step_size = static_cast<T>(step_size);
      p.coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
      p.decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
      p.raw = raw;
      p.eps_root_used = s.eps_root != 0;
    }
    return per_step;
  }
};
}  // namespace detail

template <class T>
void step(const spec::Radam& s, RuleBuffers<T>& b) {
  detail::step_one(s, b);
}
void step(const spec::Radam& s, MixedRuleBuffers& b) { detail::step_mixed(s, b); }

template void step<float>(const spec::Radam&, RuleBuffers<float>&);
template void step<double>(const spec::Radam&, RuleBuffers<double>&);
template void step(std::span<RuleGroup<spec::Radam, float>>);
template void step(std::span<RuleGroup<spec::Radam, double>>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
