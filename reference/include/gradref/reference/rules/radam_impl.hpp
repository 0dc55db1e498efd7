#pragma once
// Definition of reference::step for RAdam, in the operation order of the fast kernel
// (fast/src/rules/radam.cpp), so that Tracked gives its error model. Included by
// reference/src/rules/radam.cpp, which instantiates it for Real and Tracked.
//
// The per-step scalars (rho_t, the rectifier, the step size) are computed in double
// by the fast kernel. Whether a step is rectified is decided here on the exact rho_t
// (Tracked compares exact values too); a kernel deciding it on its double rho_t
// differs only where that rounds across the threshold, which the catalog's
// hyperparameters never come near.
#include <cmath>

#include "gradref/reference/math.hpp"
#include "gradref/reference/rules/radam.hpp"

namespace gradref::reference {

template <class T>
void step(const spec::Radam& s, RuleState<T>& st, const Array<T>& grads) {
  using std::sqrt;
  spec::validate(s);
  const std::int64_t steps = checked_steps(spec::Radam::op, spec::slots(s), st, grads);
  const std::int64_t n = st.param.size();
  const bool coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
  const bool decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
  const bool raw = s.eps_placement == spec::RadamEps::raw;
  const T beta1(s.beta1), beta2(s.beta2), eps(s.eps), eps_root(s.eps_root), wd(s.weight_decay), lr(s.lr);
  const T c1 = T(1.0) - beta1, c2 = T(1.0) - beta2;  // per-call scalars, in double
  const T lr_wd = lr * wd;
  const T rho_inf = T(2.0) / c2 - T(1.0);
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = ++st.step;
    const T bc1 = T(1.0) - power(beta1, t);
    const T beta2_t = power(beta2, t);
    const T bc2 = T(1.0) - beta2_t;
    const T rho = rho_inf - T(2.0) * T(static_cast<double>(t)) * beta2_t / bc2;
    const T threshold(s.threshold);
    const bool rectified = s.threshold_test == spec::ThresholdTest::strict ? rho > threshold : rho >= threshold;
    T step_size = lr / bc1;
    if (rectified) {
      const T rect = sqrt((rho - T(4.0)) * (rho - T(2.0)) * rho_inf / ((rho_inf - T(4.0)) * (rho_inf - T(2.0)) * rho));
      step_size = raw ? lr * rect * sqrt(bc2) / bc1 : lr * rect / bc1;
    }

    const auto g_k = grads.slice(k * n, n);
    for (std::int64_t i = 0; i < n; ++i) {
      T& theta = st.param[i];
      T& m = st.slots[0][i];
      T& v = st.slots[1][i];
      T g = s.maximize ? -g_k[static_cast<std::size_t>(i)] : g_k[static_cast<std::size_t>(i)];
      if (decoupled) theta = theta - lr_wd * theta;
      if (coupled) g = g + wd * theta;
      m = beta1 * m + c1 * g;
      v = beta2 * v + c2 * g * g;  // (c2 g) g: no overflow of g^2 first
      if (!rectified) {
        theta = theta - step_size * m;
        continue;
      }
      const T root = raw ? sqrt(v) : sqrt(s.eps_root != 0 ? v / bc2 + eps_root : v / bc2);
      theta = theta - step_size * (m / (root + eps));
    }
  }
}

}  // namespace gradref::reference
