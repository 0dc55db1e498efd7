#pragma once
// Definition of reference::step for Adamax, in the operation order of the fast
// kernel (fast/src/rules/adamax.cpp), so that Tracked gives its error model.
// Included by reference/src/rules/adamax.cpp, which instantiates it for Real and
// Tracked.
#include "gradref/reference/math.hpp"
#include "gradref/reference/rules/adamax.hpp"

namespace gradref::reference {

template <class T>
void step(const spec::Adamax& s, RuleState<T>& st, const Array<T>& grads) {
  spec::validate(s);
  const std::int64_t steps = checked_steps(spec::Adamax::op, spec::slots(s), st, grads);
  const std::int64_t n = st.param.size();
  const bool coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
  const bool decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
  const bool in_max = s.eps_placement == spec::AdamaxEps::in_max;
  const T beta1(s.beta1), beta2(s.beta2), eps(s.eps), wd(s.weight_decay), lr(s.lr);
  const T c1 = T(1.0) - beta1;  // per-call scalars, in double
  const T lr_wd = lr * wd;
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = ++st.step;
    const T step_size = lr / (T(1.0) - power(beta1, t));  // per step, in double

    const auto g_k = grads.slice(k * n, n);
    for (std::int64_t i = 0; i < n; ++i) {
      T& theta = st.param[i];
      T& m = st.slots[0][i];
      T& u = st.slots[1][i];
      T g = s.maximize ? -g_k[static_cast<std::size_t>(i)] : g_k[static_cast<std::size_t>(i)];
      if (decoupled) theta = theta - lr_wd * theta;
      if (coupled) g = g + wd * theta;
      m = beta1 * m + c1 * g;
      if (in_max) {
        u = maximum(beta2 * u, abs(g) + eps);
        theta = theta - step_size * (m / u);
      } else {
        u = maximum(beta2 * u, abs(g));
        theta = theta - step_size * (m / (u + eps));
      }
    }
  }
}

}  // namespace gradref::reference
