#pragma once
// Definition of reference::step for Adadelta, in the operation order of the fast
// kernel (fast/src/rules/adadelta.cpp), so that Tracked gives its error model.
// Included by reference/src/rules/adadelta.cpp, which instantiates it for Real and
// Tracked.
#include "gradref/reference/rules/adadelta.hpp"

namespace gradref::reference {

template <class T>
void step(const spec::Adadelta& s, RuleState<T>& st, const Array<T>& grads) {
  using std::sqrt;
  spec::validate(s);
  const std::int64_t steps = checked_steps(spec::Adadelta::op, spec::slots(s), st, grads);
  const std::int64_t n = st.param.size();
  const bool coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
  const bool decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
  const T lr(s.lr), rho(s.rho), eps(s.eps), wd(s.weight_decay);
  const T c = T(1.0) - rho;  // per-call scalars, in double
  const T lr_wd = lr * wd;
  for (std::int64_t k = 0; k < steps; ++k) {
    ++st.step;
    const auto g_k = grads.slice(k * n, n);
    for (std::int64_t i = 0; i < n; ++i) {
      T& theta = st.param[i];
      T& v = st.slots[0][i];
      T& u = st.slots[1][i];
      T g = s.maximize ? -g_k[static_cast<std::size_t>(i)] : g_k[static_cast<std::size_t>(i)];
      if (decoupled) theta = theta - lr_wd * theta;
      if (coupled) g = g + wd * theta;
      v = rho * v + (c * g) * g;  // (c g) g: no overflow of g^2 first
      const T delta = (sqrt(u + eps) / sqrt(v + eps)) * g;
      u = rho * u + (c * delta) * delta;
      theta = s.lr_none ? theta + delta : theta - lr * delta;
    }
  }
}

}  // namespace gradref::reference
