#pragma once
// One step of fast Adam / AdamW: scalars computed in double and rounded to T, and
// the form of the update, which selects the kernel's template specialisation.
#include <cstdint>
#include <vector>

#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/adam.hpp"
#include "rules/mixed_rule_job.hpp"
#include "rules/rule_job.hpp"

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

/// The per-step parameters of Adam's update with weight decay `d` (Adam's or
/// AdamW's), `steps` steps from step counter `step`. Defined in adam.cpp.
template <class T>
std::vector<AdamParams<T>> adam_per_step(const spec::AdamCore& s, const spec::AdamDecay& d, std::int64_t step,
                                         std::int64_t steps);

extern template std::vector<AdamParams<float>> adam_per_step<float>(const spec::AdamCore&, const spec::AdamDecay&,
                                                                    std::int64_t, std::int64_t);
extern template std::vector<AdamParams<double>> adam_per_step<double>(const spec::AdamCore&, const spec::AdamDecay&,
                                                                      std::int64_t, std::int64_t);

/// The dispatched kernels (adam.cpp), for AdamW's translation unit too.
void run(const RuleJob<float, AdamParams<float>>& job);
void run(const RuleJob<double, AdamParams<double>>& job);
void run(const MixedRuleJob<AdamParams<float>>& job);

}  // namespace gradref::fast::detail
