#pragma once
// One step of fast RAdam: scalars computed in double and rounded to T, and flags.
namespace gradref::fast::detail {

template <class T>
struct RadamParams {
  T beta1, c1, beta2, c2, wd, lr_wd, bc2, eps, eps_root;
  T step_size;  ///< lr r_t [sqrt(bc2)] / bc1 when rectified, lr / bc1 otherwise
  bool coupled, decoupled, rectified, raw, eps_root_used;
};

}  // namespace gradref::fast::detail
