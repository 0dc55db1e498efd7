#pragma once
// One step of fast Adadelta: scalars computed in double and rounded to T, and the flags.
namespace gradref::fast::detail {

template <class T>
struct AdadeltaParams {
  T lr, rho, c, eps, wd, lr_wd;  ///< c = 1 - rho, lr_wd = lr * wd (in double)
  bool coupled, decoupled, lr_none;
};

}  // namespace gradref::fast::detail
