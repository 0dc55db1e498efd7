#pragma once
// Definition of reference::step for Lion, in the operation order of the fast kernel
// (fast/src/rules/lion.cpp), so that Tracked gives its error model. Included by
// reference/src/rules/lion.cpp, which instantiates it for Real and Tracked.
//
// The step is lr sign(c), with c rounded by the kernel: where c is within its
// rounding error of 0 the kernel's sign may be 0 or the opposite one, and Tracked's
// signum bounds the step's error by 2 lr there (lr when the exact c is 0).
#include "gradref/reference/math.hpp"
#include "gradref/reference/rules/lion.hpp"

namespace gradref::reference {

template <class T>
void step(const spec::Lion& s, RuleState<T>& st, const Array<T>& grads) {
  spec::validate(s);
  const std::int64_t steps = checked_steps(spec::Lion::op, spec::slots(s), st, grads);
  const std::int64_t n = st.param.size();
  const T beta1(s.beta1), beta2(s.beta2), lr(s.lr), wd(s.weight_decay);
  const T c1 = T(1.0) - beta1, c2 = T(1.0) - beta2;  // per-call scalars, in double
  const T lr_wd = lr * wd;
  for (std::int64_t k = 0; k < steps; ++k) {
    ++st.step;
    const auto g_k = grads.slice(k * n, n);
    for (std::int64_t i = 0; i < n; ++i) {
      T& theta = st.param[i];
      T& m = st.slots[0][i];
      const T g = s.maximize ? -g_k[static_cast<std::size_t>(i)] : g_k[static_cast<std::size_t>(i)];
      if (s.weight_decay != 0) theta = theta - lr_wd * theta;
      const T c = c1 * g + beta1 * m;
      theta = theta - lr * signum(c);
      m = c2 * g + beta2 * m;
    }
  }
}

}  // namespace gradref::reference
