#pragma once
// Definition of reference::step for SGD, in the operation order of the fast kernel
// (fast/src/rules/sgd.cpp), so that Tracked gives its error model. Included by
// reference/src/rules/sgd.cpp, which instantiates it for Real and Tracked.
#include "gradref/reference/rules/sgd.hpp"

namespace gradref::reference {

template <class T>
void step(const spec::Sgd& s, RuleState<T>& st, const Array<T>& grads) {
  spec::validate(s);
  const std::int64_t steps = checked_steps(spec::Sgd::op, spec::slots(s), st, grads);
  const std::int64_t n = st.param.size();
  const bool heavy_ball = s.momentum_form == spec::MomentumForm::heavy_ball;
  const bool coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
  const bool decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
  const T lr(s.lr), mu(s.momentum), wd(s.weight_decay);
  const T gain = T(1.0) - T(s.dampening);  // per-call scalars, in double
  const T lr_wd = lr * wd;
  for (std::int64_t k = 0; k < steps; ++k) {
    const bool first = st.step++ == 0;
    const auto g_k = grads.slice(k * n, n);
    for (std::int64_t i = 0; i < n; ++i) {
      T& theta = st.param[i];
      T g = s.maximize ? -g_k[static_cast<std::size_t>(i)] : g_k[static_cast<std::size_t>(i)];
      if (decoupled) theta = theta - lr_wd * theta;
      if (coupled) g = g + wd * theta;
      if (s.momentum == 0) {
        theta = theta - lr * g;
      } else if (heavy_ball) {
        T& b = st.slots[0][i];
        b = first ? g : mu * b + gain * g;
        theta = theta - lr * (s.nesterov ? g + mu * b : b);
      } else {
        T& v = st.slots[0][i];
        v = mu * v - lr * g;
        theta = theta + (s.nesterov ? mu * v - lr * g : v);
      }
    }
  }
}

}  // namespace gradref::reference
