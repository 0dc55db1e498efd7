#pragma once
// Definition of reference::step for NAdam, in the operation order of the fast kernel
// (fast/src/rules/nadam.cpp), so that Tracked gives its error model. Included by
// reference/src/rules/nadam.cpp, which instantiates it for Real and Tracked.
//
// The momentum product is state of the parameter's type: it is multiplied in that
// type (as PyTorch does on its float32 mu_product tensor), and the two coefficients
// that divide by 1 - product are formed in that type too. Every other per-step
// scalar is computed in double from the spec's constants.
#include <cmath>

#include "gradref/reference/math.hpp"
#include "gradref/reference/rules/nadam.hpp"

namespace gradref::reference {

template <class T>
void step(const spec::Nadam& s, RuleState<T>& st, const Array<T>& grads) {
  using std::pow;
  using std::sqrt;
  spec::validate(s);
  const std::int64_t steps = checked_steps(spec::Nadam::op, spec::slots(s), st, grads);
  const std::int64_t n = st.param.size();
  const bool coupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::coupled;
  const bool decoupled = s.weight_decay != 0 && s.decay_style == spec::DecayStyle::decoupled;
  const bool dozat = s.momentum_schedule == spec::MomentumSchedule::dozat;
  if (dozat && st.scalars.size() != 1)
    throw InvalidInput(spec::Nadam::op, "mu_product", "missing", "one scalar (the momentum product; 1 at step 0)");
  const T beta1(s.beta1), beta2(s.beta2), eps(s.eps), eps_root(s.eps_root), wd(s.weight_decay), lr(s.lr);
  const T c1 = T(1.0) - beta1, c2 = T(1.0) - beta2;  // per-call scalars, in double
  const T lr_wd = lr * wd;
  // beta1 (1 - 0.5 * 0.96^(t psi)), in double.
  const auto schedule = [&](std::int64_t t) {
    return beta1 * (T(1.0) - T(0.5) * pow(T(0.96), T(static_cast<double>(t)) * T(s.momentum_decay)));
  };
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = ++st.step;
    const T bc2 = T(1.0) - power(beta2, t);
    T coef_g(0.0), coef_m(0.0);  // lr (1 - mu_t) / (1 - Pi_t) and lr mu_{t+1} / (1 - Pi_{t+1})
    if (dozat) {
      const T mu = schedule(t), mu_next = schedule(t + 1);
      T& product = st.scalars[0];
      product = product * mu;  // in the state's type
      const T product_next = product * mu_next;
      coef_g = lr * (T(1.0) - mu) / (T(1.0) - product);
      coef_m = lr * mu_next / (T(1.0) - product_next);
    } else {
      coef_g = lr * c1 / (T(1.0) - power(beta1, t));
      coef_m = lr * beta1 / (T(1.0) - power(beta1, t + 1));
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
      const T v_hat = v / bc2;
      const T denom = sqrt(s.eps_root != 0 ? v_hat + eps_root : v_hat) + eps;
      theta = theta - coef_g * g / denom;
      theta = theta - coef_m * m / denom;
    }
  }
}

}  // namespace gradref::reference
