#pragma once
// Definition of reference::adam. Included by reference/src/rules/adam.cpp, which
// instantiates it for Real and Tracked; include it yourself for another scalar type.
#include "gradref/reference/math.hpp"
#include "gradref/reference/rules/adam.hpp"

namespace gradref::reference {

template <class T>
void adam(const spec::Adam& s, AdamState<T>& st, const Array<T>& grads) {
  using std::sqrt;
  const std::int64_t n = st.param.size();
  const std::int64_t steps =
      spec::adam_steps(s, st.param.shape(), grads.shape(), st.exp_avg.shape(), st.exp_avg_sq.shape(),
                       st.max_exp_avg_sq ? &st.max_exp_avg_sq->shape() : nullptr, st.step);

  const T beta1(s.beta1), beta2(s.beta2), eps(s.eps), weight_decay(s.weight_decay);
  const T one_minus_beta1 = T(1.0) - beta1;
  const T one_minus_beta2 = T(1.0) - beta2;
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = ++st.step;
    // Per-step scalars: computed once per step (in double by the fast kernels).
    const T bc1 = s.bias_correction ? T(1.0) - power(beta1, t) : T(1.0);
    const T bc2 = s.bias_correction ? T(1.0) - power(beta2, t) : T(1.0);
    const T step_size = T(s.lr) / bc1;
    const T bc2_sqrt = sqrt(bc2);

    const auto g_k = grads.slice(k * n, n);
    for (std::int64_t i = 0; i < n; ++i) {
      T& theta = st.param[i];
      T& m = st.exp_avg[i];
      T& v = st.exp_avg_sq[i];
      T g = s.maximize ? -g_k[static_cast<std::size_t>(i)] : g_k[static_cast<std::size_t>(i)];
      if (s.weight_decay != 0) g = g + weight_decay * theta;
      m = beta1 * m + one_minus_beta1 * g;
      v = beta2 * v + one_minus_beta2 * g * g;  // (c2 g) g: no overflow of g^2 first
      const T& v_used = s.amsgrad ? ((*st.max_exp_avg_sq)[i] = maximum((*st.max_exp_avg_sq)[i], v)) : v;
      const T denom = s.eps_placement == spec::EpsPlacement::outside ? sqrt(v_used) / bc2_sqrt + eps
                                                                     : sqrt(v_used / bc2 + eps);
      theta = theta - step_size * (m / denom);
    }
  }
}

}  // namespace gradref::reference
