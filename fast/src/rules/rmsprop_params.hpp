#pragma once
// One step of fast RMSProp: scalars computed in double and rounded to T, and the flags.
namespace gradref::fast::detail {

template <class T>
struct RmspropParams {
  T lr, rho, c, eps, mu, wd, lr_wd, bc;  ///< c = 1 - rho, lr_wd = lr * wd, bc = 1 - rho^t (in double)
  bool coupled, decoupled, outside, centered, bias_correction, nesterov;
  int form;  ///< 0 no momentum, 1 heavy_ball, 2 lr_inside, 3 velocity
};

}  // namespace gradref::fast::detail
