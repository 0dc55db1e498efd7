#pragma once
// One step of fast Lion: scalars computed in double and rounded to T, and the flag.
namespace gradref::fast::detail {

template <class T>
struct LionParams {
  T lr, beta1, c1, beta2, c2, lr_wd;
  bool decay;
};

}  // namespace gradref::fast::detail
