#pragma once
// One step of fast Adam / AdamW: scalars computed in double and rounded to T, and
// the form of the update, which selects the kernel's template specialisation.
#include <cstdint>

#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/adam.hpp"

namespace gradref::fast::detail {

/// The denominator: sqrt(w) / bc2_sqrt + eps (PyTorch), sqrt(w / bc2 + eps_root) + eps
/// (optax), sqrt(w / bc2 + eps) (inside) or sqrt(w) + eps (eps_hat); with AMSGrad over
/// v_hat, w is already corrected and the division by bc2 is left out.
enum class AdamDenom : std::uint8_t { outside, outside_root, inside, eps_hat };
/// AMSGrad: none, max over v, max over v / bc2.
enum class AdamMax : std::uint8_t { none, v, v_hat };

template <class T>
struct AdamParams {
  T beta1, beta2, c1, c2, eps, eps_root;  ///< c1 = 1 - beta1, c2 = 1 - beta2 (in double)
  T l2, keep_pre, keep_post;              ///< g += l2 theta; theta *= keep_pre; theta *= keep_post
  T step_size, bc2, bc2_sqrt;             ///< per step: lr / bc1 (eps_hat: lr sqrt(bc2) / bc1), 1 - beta2^t
  AdamDenom denom;
  AdamMax max;
  bool decay, l2_on, pre, post;  ///< decay: any of the three
};

/// Adam's update with weight decay `d` (Adam's or AdamW's), on flat buffers: the
/// reference's checks, then one fused pass per chunk. Defined in adam.cpp.
template <class T>
void adam_run(const char* op, const spec::AdamCore& s, const spec::AdamDecay& d, RuleBuffers<T>& b);

extern template void adam_run<float>(const char*, const spec::AdamCore&, const spec::AdamDecay&, RuleBuffers<float>&);
extern template void adam_run<double>(const char*, const spec::AdamCore&, const spec::AdamDecay&,
                                      RuleBuffers<double>&);

}  // namespace gradref::fast::detail
