#pragma once
// Definition of reference::step for RMSProp, in the operation order of the fast
// kernel (fast/src/rules/rmsprop.cpp), so that Tracked gives its error model.
// Included by reference/src/rules/rmsprop.cpp, which instantiates it for Real and
// Tracked.
#include "gradref/reference/math.hpp"
#include "gradref/reference/rules/rmsprop.hpp"

namespace gradref::reference {

template <class T>
void step(const spec::Rmsprop& s, RuleState<T>& st, const Array<T>& grads) {
  using std::sqrt;
  spec::validate(s);
  const std::int64_t steps = checked_steps(spec::Rmsprop::op, spec::slots(s), st, grads);
  const std::int64_t n = st.param.size();
  const bool coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
  const bool decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
  const bool outside = s.eps_placement == spec::RootEps::outside;
  const bool momentum = s.momentum != 0;
  const std::size_t mom_slot = s.centered ? 2 : 1;
  const T lr(s.lr), rho(s.rho), eps(s.eps), mu(s.momentum), wd(s.weight_decay);
  const T c = T(1.0) - rho;  // per-call scalars, in double
  const T lr_wd = lr * wd;
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = ++st.step;
    const T bc = s.bias_correction ? T(1.0) - power(rho, t) : T(1.0);  // per step, in double
    const auto g_k = grads.slice(k * n, n);
    for (std::int64_t i = 0; i < n; ++i) {
      T& theta = st.param[i];
      T& v = st.slots[0][i];
      T g = s.maximize ? -g_k[static_cast<std::size_t>(i)] : g_k[static_cast<std::size_t>(i)];
      if (decoupled) theta = theta - lr_wd * theta;
      if (coupled) g = g + wd * theta;
      v = rho * v + (c * g) * g;  // (c g) g: no overflow of g^2 first
      T w = s.bias_correction ? v / bc : v;
      if (s.centered) {
        T& gbar = st.slots[1][i];
        gbar = rho * gbar + c * g;
        const T gbar_hat = s.bias_correction ? gbar / bc : gbar;
        w = w - gbar_hat * gbar_hat;
      }
      const T denom = outside ? sqrt(w) + eps : sqrt(w + eps);
      if (!momentum) {
        theta = theta - (lr * g) / denom;
        continue;
      }
      T& buf = st.slots[mom_slot][i];
      switch (s.momentum_form) {
        case spec::RmspropMomentum::heavy_ball: {
          const T scaled = g / denom;
          buf = mu * buf + scaled;
          theta = theta - lr * (s.nesterov ? scaled + mu * buf : buf);
          break;
        }
        case spec::RmspropMomentum::lr_inside: {
          const T scaled = (lr * g) / denom;
          buf = mu * buf + scaled;
          theta = theta - (s.nesterov ? scaled + mu * buf : buf);
          break;
        }
        case spec::RmspropMomentum::velocity: {
          const T scaled = (lr * g) / denom;
          buf = mu * buf - scaled;
          theta = theta + (s.nesterov ? mu * buf - scaled : buf);
          break;
        }
      }
    }
  }
}

}  // namespace gradref::reference
