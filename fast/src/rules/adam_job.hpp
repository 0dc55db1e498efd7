#pragma once
// What the per-target Adam code receives: flat buffers, the hyperparameters rounded
// to T once, and the per-step scalars computed in double and rounded to T.
#include <cstdint>

namespace gradref::fast::detail {

template <class T>
struct AdamStepScalars {
  T step_size;  ///< lr / bc1
  T bc2_sqrt;   ///< sqrt(bc2), for eps outside the square root
  T bc2;        ///< for eps inside
};

template <class T>
struct AdamJob {
  T* param;
  const T* grads;  ///< steps * n
  T* exp_avg;
  T* exp_avg_sq;
  T* max_exp_avg_sq;  ///< null unless amsgrad
  std::int64_t n;
  std::int64_t steps;
  const AdamStepScalars<T>* per_step;  ///< steps entries
  T beta1, beta2, one_minus_beta1, one_minus_beta2, eps, weight_decay;
  bool maximize, decay, amsgrad, eps_outside;
};

}  // namespace gradref::fast::detail
