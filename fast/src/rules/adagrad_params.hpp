#pragma once
// One step of fast AdaGrad: scalars computed in double and rounded to T, and the flags.
namespace gradref::fast::detail {

template <class T>
struct AdagradParams {
  T clr, clr_wd, wd, eps;  ///< clr = lr / (1 + (t - 1) lr_decay), clr_wd = clr * wd (in double)
  bool coupled, decoupled, outside, zero_guard;
};

}  // namespace gradref::fast::detail
