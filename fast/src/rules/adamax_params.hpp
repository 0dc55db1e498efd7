#pragma once
// One step of fast Adamax: scalars computed in double and rounded to T, and flags.
namespace gradref::fast::detail {

template <class T>
struct AdamaxParams {
  T beta1, c1, beta2, wd, lr_wd, eps;
  T step_size;  ///< lr / (1 - beta1^t)
  bool coupled, decoupled, in_max;
};

}  // namespace gradref::fast::detail
