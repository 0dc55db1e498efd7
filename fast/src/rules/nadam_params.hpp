#pragma once
// One step of fast NAdam: scalars rounded to T (computed in double, except the two
// coefficients that divide by 1 - mu_product, formed in T like the product), and flags.
namespace gradref::fast::detail {

template <class T>
struct NadamParams {
  T beta1, c1, beta2, c2, wd, lr_wd, bc2, eps, eps_root;
  T coef_g, coef_m;  ///< lr (1 - mu_t) / (1 - Pi_t), lr mu_{t+1} / (1 - Pi_{t+1})
  bool coupled, decoupled, eps_root_used;
};

}  // namespace gradref::fast::detail
