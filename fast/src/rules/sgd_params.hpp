#pragma once
// One step of fast SGD: scalars computed in double and rounded to T, and the flags.
namespace gradref::fast::detail {

template <class T>
struct SgdParams {
  T lr, mu, gain, wd, lr_wd;  ///< gain = 1 - dampening, lr_wd = lr * wd (in double)
  bool coupled, decoupled, momentum, heavy_ball, nesterov, first;
};

}  // namespace gradref::fast::detail
