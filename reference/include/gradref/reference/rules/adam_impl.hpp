#pragma once
// Definition of reference::step for Adam, and of the update Adam and AdamW share,
// in the operation order of the fast kernel (fast/src/rules/adam.cpp), so that
// Tracked gives its error model. Included by reference/src/rules/adam.cpp, which
// instantiates it for Real and Tracked.
#include "gradref/reference/math.hpp"
#include "gradref/reference/rules/adam.hpp"

namespace gradref::reference {
namespace detail {

/// One step per gradient of Adam with weight decay `d` (Adam's or AdamW's, spec/adam.hpp).
template <class T>
void adam_update(const char* op, const spec::AdamCore& s, const spec::AdamDecay& d, RuleState<T>& st,
                 const Array<T>& grads) {
  using std::sqrt;
  using spec::DecoupledDecay;
  const std::int64_t steps = checked_steps(op, spec::slots(s), st, grads);
  const std::int64_t n = st.param.size();
  const bool hat = s.eps_placement == spec::EpsPlacement::eps_hat;
  const bool inside = s.eps_placement == spec::EpsPlacement::inside;
  const bool max_of_v_hat = s.amsgrad && s.amsgrad_max == spec::AmsgradMax::v_hat;
  const bool pre = d.style == DecoupledDecay::lr_scaled || d.style == DecoupledDecay::schedule_scaled;
  const bool post = d.style == DecoupledDecay::post_step;
  // Per-call scalars (in double in the fast kernel).
  const T beta1(s.beta1), beta2(s.beta2), eps(s.eps), eps_root(s.eps_root), l2(d.coupled), wd(d.decoupled);
  const T c1 = T(1.0) - beta1;
  const T c2 = T(1.0) - beta2;
  const T eta(d.schedule_multiplier);
  const T lr = eta * T(s.lr);  // eta = 1 is exact
  const T keep_pre = d.style == DecoupledDecay::lr_scaled ? T(1.0) - lr * wd : T(1.0) - eta * wd;
  const T keep_post = T(1.0) - wd;
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = s.bias_correction_step == spec::BiasCorrectionStep::current ? st.step + 1 : st.step;
    ++st.step;
    // Per-step scalars: once per step (in double in the fast kernel).
    const bool corrected = s.bias_correction && t > 0;
    const T bc1 = corrected ? T(1.0) - power(beta1, t) : T(1.0);
    const T bc2 = corrected ? T(1.0) - power(beta2, t) : T(1.0);
    const T bc2_sqrt = sqrt(bc2);
    const T step_size = hat ? lr * bc2_sqrt / bc1 : lr / bc1;

    const auto g_k = grads.slice(k * n, n);
    for (std::int64_t i = 0; i < n; ++i) {
      T& theta = st.param[i];
      T& m = st.slots[0][i];
      T& v = st.slots[1][i];
      T g = s.maximize ? -g_k[static_cast<std::size_t>(i)] : g_k[static_cast<std::size_t>(i)];
      if (d.coupled != 0) g = g + l2 * theta;
      if (pre) theta = keep_pre * theta;
      m = beta1 * m + c1 * g;
      v = beta2 * v + (c2 * g) * g;  // (c2 g) g: g^2 is never formed, so cannot overflow first
      const T denom = [&]() -> T {
        if (max_of_v_hat) {
          T& vmax = st.slots[2][i];
          vmax = maximum(vmax, v / bc2);  // stored corrected (optax's nu_max)
          if (inside) return sqrt(vmax + eps);
          return (s.eps_root != 0 ? sqrt(vmax + eps_root) : sqrt(vmax)) + eps;
        }
        const T& w = s.amsgrad ? (st.slots[2][i] = maximum(st.slots[2][i], v)) : v;
        if (hat) return sqrt(w) + eps;
        if (inside) return sqrt(w / bc2 + eps);
        if (s.eps_root != 0) return sqrt(w / bc2 + eps_root) + eps;
        return sqrt(w) / bc2_sqrt + eps;
      }();
      theta = theta - step_size * (m / denom);
      if (post) theta = keep_post * theta;
    }
  }
}

}  // namespace detail

template <class T>
void step(const spec::Adam& s, RuleState<T>& st, const Array<T>& grads) {
  spec::validate(s);
  detail::adam_update(spec::Adam::op, s, spec::decay_of(s), st, grads);
}

}  // namespace gradref::reference
