#pragma once
// Definition of reference::step for AdaGrad, in the operation order of the fast
// kernel (fast/src/rules/adagrad.cpp), so that Tracked gives its error model.
// Included by reference/src/rules/adagrad.cpp, which instantiates it for Real and
// Tracked.
#include "gradref/reference/rules/adagrad.hpp"

namespace gradref::reference {

template <class T>
void step(const spec::Adagrad& s, RuleState<T>& st, const Array<T>& grads) {
  using std::sqrt;
  spec::validate(s);
  const std::int64_t steps = checked_steps(spec::Adagrad::op, spec::slots(s), st, grads);
  const std::int64_t n = st.param.size();
  const bool coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
  const bool decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
  const bool outside = s.eps_placement == spec::RootEps::outside;
  const T eps(s.eps), wd(s.weight_decay);
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = ++st.step;
    // Per-step scalars, in double (PyTorch's clr, bit for bit).
    const T clr = T(s.lr) / (T(1.0) + T(static_cast<double>(t - 1)) * T(s.lr_decay));
    const T clr_wd = clr * wd;
    const auto g_k = grads.slice(k * n, n);
    for (std::int64_t i = 0; i < n; ++i) {
      T& theta = st.param[i];
      T& sum = st.slots[0][i];
      T g = s.maximize ? -g_k[static_cast<std::size_t>(i)] : g_k[static_cast<std::size_t>(i)];
      if (decoupled) theta = theta - clr_wd * theta;
      if (coupled) g = g + wd * theta;
      sum = sum + g * g;
      if (s.zero_guard && !(sum > T(0.0))) continue;  // optax: no update where S = 0
      const T denom = outside ? sqrt(sum) + eps : sqrt(sum + eps);
      theta = theta - (clr * g) / denom;
    }
  }
}

}  // namespace gradref::reference
