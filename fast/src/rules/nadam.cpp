// Fast NAdam. Per element, in T, the reference's order (nadam_impl.hpp):
//   [theta -= lr_wd theta]; [g += wd theta];
//   m = beta1 m + c1 g;  v = beta2 v + (c2 g) g;  denom = sqrt(v / bc2 [+ eps_root]) + eps
//   theta -= (coef_g g) / denom;  theta -= (coef_m m) / denom
// MulAdd may fuse a product into the following sum, which only removes a rounding.
// Three divisions, as PyTorch: one division over both terms and v * (1 / bc2) ran at
// the floor in float64 too, but its tighter bound then rejected PyTorch's own
// (equally sound) order, 1.12 of the bound on its foreach path; the golden bounds
// are for the reference's order, so that order stays the most common one.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "rules/nadam.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "rules/elementwise_rule-inl.h"
#include "rules/mixed_rule-inl.h"
#include "rules/nadam_params.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// Weight decay as the kernel applies it: a template parameter, so that the common
/// case (none) carries no per-element branch.
enum class NadamDecay { none, coupled, decoupled };

template <class T, NadamDecay kDecay, bool kEpsRoot>
struct NadamKernel {
  using Params = NadamParams<T>;
  static constexpr int kArrays = 3;  // param, m, v
  template <class D>
  struct Consts {
    hn::Vec<D> beta1, c1, beta2, c2, wd, lr_wd, bc2, eps, eps_root, coef_g, coef_m;
  };
  template <class D>
  static Consts<D> load(D d, const Params& p) {
    return {hn::Set(d, p.beta1), hn::Set(d, p.c1),  hn::Set(d, p.beta2),    hn::Set(d, p.c2),
            hn::Set(d, p.wd),    hn::Set(d, p.lr_wd), hn::Set(d, p.bc2),    hn::Set(d, p.eps),
            hn::Set(d, p.eps_root), hn::Set(d, p.coef_g), hn::Set(d, p.coef_m)};
  }
  template <class D>
  static void update(D, const Consts<D>& c, const Params&, hn::Vec<D>* x, hn::Vec<D> g) {
    hn::Vec<D> theta = x[0];
    if constexpr (kDecay == NadamDecay::decoupled) theta = hn::NegMulAdd(c.lr_wd, theta, theta);
    if constexpr (kDecay == NadamDecay::coupled) g = hn::MulAdd(c.wd, theta, g);
    const hn::Vec<D> m = hn::MulAdd(c.beta1, x[1], hn::Mul(c.c1, g));
    const hn::Vec<D> v = hn::MulAdd(c.beta2, x[2], hn::Mul(hn::Mul(c.c2, g), g));
    hn::Vec<D> v_hat = hn::Div(v, c.bc2);
    if constexpr (kEpsRoot) v_hat = hn::Add(v_hat, c.eps_root);
    const hn::Vec<D> denom = hn::Add(hn::Sqrt(v_hat), c.eps);
    theta = hn::Sub(theta, hn::Div(hn::Mul(c.coef_g, g), denom));
    theta = hn::Sub(theta, hn::Div(hn::Mul(c.coef_m, m), denom));
    x[0] = theta;
    x[1] = m;
    x[2] = v;
  }
};

/// RunRule, or RunMixedRule for a MixedRuleJob (T = float).
template <class Kernel, class T, class Params>
void RunNadam(const RuleJob<T, Params>& job) {
  RunRule<Kernel, T>(job);
}
template <class Kernel, class T, class Params>
void RunNadam(const MixedRuleJob<Params>& job) {
  RunMixedRule<Kernel>(job);
}

template <class T, NadamDecay kDecay, class Job>
void NadamDecayed(const Job& job) {
  if (job.per_step[0].eps_root_used) RunNadam<NadamKernel<T, kDecay, true>, T>(job);
  else RunNadam<NadamKernel<T, kDecay, false>, T>(job);
}

/// The flags are the same in every step of a call (they come from the spec).
template <class T, class Job>
void NadamRun(const Job& job) {
  const auto& p = job.per_step[0];
  if (p.coupled) NadamDecayed<T, NadamDecay::coupled>(job);
  else if (p.decoupled) NadamDecayed<T, NadamDecay::decoupled>(job);
  else NadamDecayed<T, NadamDecay::none>(job);
}

void NadamFloat(const RuleJob<float, NadamParams<float>>& job) { NadamRun<float>(job); }
void NadamMixed(const MixedRuleJob<NadamParams<float>>& job) { NadamRun<float>(job); }
void NadamDouble(const RuleJob<double, NadamParams<double>>& job) { NadamRun<double>(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>

#include "gradref/fast/rules/nadam.hpp"
#include "rules/mixed_rule_dispatch.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast {
namespace detail {
HWY_EXPORT(NadamFloat);
HWY_EXPORT(NadamDouble);
HWY_EXPORT(NadamMixed);
void run(const RuleJob<float, NadamParams<float>>& job) { HWY_DYNAMIC_DISPATCH(NadamFloat)(job); }
void run(const RuleJob<double, NadamParams<double>>& job) { HWY_DYNAMIC_DISPATCH(NadamDouble)(job); }
void run(const MixedRuleJob<NadamParams<float>>& job) { HWY_DYNAMIC_DISPATCH(NadamMixed)(job); }
}  // namespace detail

namespace detail {
template <>
struct RuleTraits<spec::Nadam> {
  template <class T>
  static std::vector<NadamParams<T>> per_step(const spec::Nadam& s, RuleBuffers<T>& b, std::int64_t steps) {
    const bool dozat = s.momentum_schedule == spec::MomentumSchedule::dozat;
    // beta1 (1 - 0.5 * 0.96^(t psi)), in double.
    const auto schedule = [&s](std::int64_t t) {
      return s.beta1 * (1.0 - 0.5 * std::pow(0.96, static_cast<double>(t) * s.momentum_decay));
    };
    T product = dozat ? b.scalars[0] : T(1);
    std::vector<NadamParams<T>> per_step(static_cast<std::size_t>(steps));
    for (std::int64_t k = 0; k < steps; ++k) {
      const std::int64_t t = b.step + k + 1;
      NadamParams<T>& p = per_step[static_cast<std::size_t>(k)];
      p.beta1 = static_cast<T>(s.beta1);
      p.c1 = static_cast<T>(1.0 - s.beta1);
      p.beta2 = static_cast<T>(s.beta2);
      p.c2 = static_cast<T>(1.0 - s.beta2);
      p.wd = static_cast<T>(s.weight_decay);
      p.lr_wd = static_cast<T>(s.lr * s.weight_decay);
      p.bc2 = static_cast<T>(1.0 - std::pow(s.beta2, static_cast<double>(t)));
      p.eps = static_cast<T>(s.eps);
      p.eps_root = static_cast<T>(s.eps_root);
      if (dozat) {
        const double mu = schedule(t), mu_next = schedule(t + 1);
        product = product * static_cast<T>(mu);  // in T, the state's type
        const T product_next = product * static_cast<T>(mu_next);
        p.coef_g = static_cast<T>(s.lr * (1.0 - mu)) / (T(1) - product);
        p.coef_m = static_cast<T>(s.lr * mu_next) / (T(1) - product_next);
      } else {
        p.coef_g = static_cast<T>(s.lr * (1.0 - s.beta1) / (1.0 - std::pow(s.beta1, static_cast<double>(t))));
        p.coef_m = static_cast<T>(s.lr * s.beta1 / (1.0 - std::pow(s.beta1, static_cast<double>(t + 1))));
      }
      p.coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
      p.decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
      p.eps_root_used = s.eps_root != 0;
    }
    if (dozat) b.scalars[0] = product;
    return per_step;
  }
  template <class T>
  static void check(const spec::Nadam& s, const RuleBuffers<T>& b) {
    if (s.momentum_schedule == spec::MomentumSchedule::dozat && b.scalars.size() != 1)
      throw InvalidInput(spec::Nadam::op, "mu_product", "missing", "one scalar (the momentum product; 1 at step 0)");
  }
};
}  // namespace detail

template <class T>
void step(const spec::Nadam& s, RuleBuffers<T>& b) {
  detail::step_one(s, b);
}
void step(const spec::Nadam& s, MixedRuleBuffers& b) { detail::step_mixed(s, b); }

template void step<float>(const spec::Nadam&, RuleBuffers<float>&);
template void step<double>(const spec::Nadam&, RuleBuffers<double>&);
template void step(std::span<RuleGroup<spec::Nadam, float>>);
template void step(std::span<RuleGroup<spec::Nadam, double>>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
