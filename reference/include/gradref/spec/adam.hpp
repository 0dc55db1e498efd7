#pragma once
// Adam (Kingma & Ba 2015) and AMSGrad (Reddi et al. 2018), with every convention
// frameworks disagree on as a field. In the reference's order (rules/adam_impl.hpp):
//
//   g    <- (maximize ? -grad : grad) [+ l2 theta]                  coupled L2
//   theta <- keep theta, keep = 1 - lr wd                          decoupled (PyTorch's flag)
//   m    <- beta1 m + (1 - beta1) g
//   v    <- beta2 v + ((1 - beta2) g) g
//   t = step + 1 (bias_correction_step current) or step (previous: ONNX, none at 0)
//   bc1 = 1 - beta1^t, bc2 = 1 - beta2^t  (1 without bias correction)
//   AMSGrad: vmax <- max(vmax, v) (over v) or max(vmax, v / bc2) (over v_hat: optax)
//   outside: theta <- theta - (lr / bc1) (m / (sqrt(v / bc2 + eps_root) + eps))
//   inside:  theta <- theta - (lr / bc1) (m / sqrt(v / bc2 + eps))
//   eps_hat: theta <- theta - (lr sqrt(bc2) / bc1) (m / (sqrt(v) + eps))
// AdamW (spec/adamw.hpp) shares these fields and the update; only its decay differs.
#include <array>
#include <vector>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/rule.hpp"

namespace gradref::spec {

enum class EpsPlacement { outside, inside, eps_hat };
enum class AmsgradMax { v, v_hat };
enum class BiasCorrectionStep { current, previous };

inline constexpr std::array eps_placements{Alternative<EpsPlacement>{"outside", EpsPlacement::outside},
                                           Alternative<EpsPlacement>{"inside", EpsPlacement::inside},
                                           Alternative<EpsPlacement>{"eps_hat", EpsPlacement::eps_hat}};
inline constexpr std::array amsgrad_maxima{Alternative<AmsgradMax>{"v", AmsgradMax::v},
                                           Alternative<AmsgradMax>{"v_hat", AmsgradMax::v_hat}};
inline constexpr std::array bias_correction_steps{
    Alternative<BiasCorrectionStep>{"current", BiasCorrectionStep::current},
    Alternative<BiasCorrectionStep>{"previous", BiasCorrectionStep::previous}};

/// The fields Adam and AdamW share: everything but weight decay.
struct AdamCore {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  bool amsgrad = false;
  bool maximize = false;
  EpsPlacement eps_placement = EpsPlacement::outside;
  bool bias_correction = true;
  double eps_root = 0.0;
  AmsgradMax amsgrad_max = AmsgradMax::v;
  BiasCorrectionStep bias_correction_step = BiasCorrectionStep::current;

  template <class V>
  void describe_head(V& v) {
    v.number("lr", lr, "learning rate; >= 0");
    v.number("beta1", beta1, "decay of the first moment m; in [0, 1)");
    v.number("beta2", beta2, "decay of the second moment v; in [0, 1)");
    v.number("eps", eps, "added to the denominator (see eps_placement); >= 0");
  }
  template <class V>
  void describe_tail(V& v) {
    v.flag("amsgrad", amsgrad, "divide by the running max of the second moment (Reddi et al. 2018)");
    v.flag("maximize", maximize, "gradient ascent: step along +grad (negated before any decay)");
    v.choice("eps_placement", eps_placement, eps_placements,
             "outside: (lr/bc1) m / (sqrt(v/bc2) + eps) (PyTorch, optax, Goodfellow); inside: sqrt(v/bc2 + eps); "
             "eps_hat: lr sqrt(bc2)/bc1 m / (sqrt(v) + eps) (Keras, TF1, ONNX)");
    v.flag("bias_correction", bias_correction, "divide m by 1 - beta1^t and v by 1 - beta2^t");
    v.number("eps_root", eps_root, "optax: added inside the root, sqrt(v/bc2 + eps_root) + eps; eps_placement outside; >= 0");
    v.choice("amsgrad_max", amsgrad_max, amsgrad_maxima,
             "v: max over the raw v, then corrected (PyTorch, Keras, TF); v_hat: max over v/bc2, stored corrected "
             "(optax)");
    v.choice("bias_correction_step", bias_correction_step, bias_correction_steps,
             "current: exponent t = steps including this one (first update t = 1); previous: t = steps already "
             "taken, no correction at t = 0 (ONNX's T)");
  }
};

inline void validate_core(const AdamCore& s, const char* op) {
  require_finite_at_least(s.lr, 0.0, op, "lr", "a finite number >= 0");
  require_in_unit_interval(s.beta1, op, "beta1");
  require_in_unit_interval(s.beta2, op, "beta2");
  require_finite_at_least(s.eps, 0.0, op, "eps", "a finite number >= 0");
  require_finite_at_least(s.eps_root, 0.0, op, "eps_root", "a finite number >= 0");
  require(s.eps_root == 0.0 || s.eps_placement == EpsPlacement::outside, op, "eps_root", format_double(s.eps_root),
          "0 unless eps_placement is outside");
  require(!s.amsgrad || s.amsgrad_max == AmsgradMax::v || s.eps_placement != EpsPlacement::eps_hat, op,
          "amsgrad_max", "v_hat", "v with eps_placement eps_hat (it divides by the uncorrected sqrt(v))");
}

/// The state arrays: exp_avg, exp_avg_sq and, with AMSGrad, max_exp_avg_sq (the
/// running max of v, or of v / bc2 with amsgrad_max v_hat).
inline std::vector<const char*> slots(const AdamCore& s) {
  if (s.amsgrad) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}

/// How the shared update applies weight decay (Adam's and AdamW's fields map to it).
enum class DecoupledDecay { none, lr_scaled, schedule_scaled, post_step };
struct AdamDecay {
  double coupled = 0.0;    ///< g += coupled * theta
  double decoupled = 0.0;  ///< lambda of the decoupled decay
  DecoupledDecay style = DecoupledDecay::none;
  double schedule_multiplier = 1.0;  ///< eta: the step uses eta lr
};

struct Adam : AdamCore {
  static constexpr const char* op = "adam";

  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;

  template <class V>
  void describe(V& v) {
    describe_head(v);
    v.number("weight_decay", weight_decay, "coupled L2 (g += weight_decay theta), or decoupled; >= 0");
    describe_tail(v);
    v.flag("decoupled_weight_decay", decoupled_weight_decay,
           "theta *= 1 - lr weight_decay before the moments instead of L2 (PyTorch's flag, Keras's weight_decay)");
  }
};

inline void validate(const Adam& s) {
  validate_core(s, Adam::op);
  require_finite_at_least(s.weight_decay, 0.0, Adam::op, "weight_decay", "a finite number >= 0");
}

inline AdamDecay decay_of(const Adam& s) {
  if (s.weight_decay == 0.0) return {};
  if (s.decoupled_weight_decay) return {0.0, s.weight_decay, DecoupledDecay::lr_scaled, 1.0};
  return {s.weight_decay, 0.0, DecoupledDecay::none, 1.0};
}

// Each preset starts from the defaults above and sets every field the framework fixes.
inline constexpr std::array<Preset<Adam>, 6> adam_presets{{
    {"pytorch", "torch/optim/adam.py (_single_tensor_adam), PyTorch 2.15.0: lr 1e-3, betas (0.9, 0.999), eps 1e-8, "
                "eps outside on sqrt(v)/sqrt(bc2), AMSGrad max over v, coupled L2 unless decoupled_weight_decay",
     [](Adam& s) { s = Adam{}; }},
    {"optax", "optax/_src/alias.py (adam, amsgrad) and transform.py (scale_by_adam, scale_by_amsgrad), optax "
              "0.2.9.dev (2edbcbe): b1 0.9, b2 0.999, eps 1e-8, eps_root 0, no default lr (gradref: 1e-3); "
              "AMSGrad max over nu_hat, stored corrected; no weight decay (see adamw)",
     [](Adam& s) {
       s = Adam{};
       s.amsgrad_max = AmsgradMax::v_hat;
     }},
    {"keras", "keras/src/optimizers/adam.py and base_optimizer.py (_apply_weight_decay), Keras 3.16.0: lr 1e-3, "
              "beta_1 0.9, beta_2 0.999, epsilon 1e-7, eps_hat form, AMSGrad max over v, weight_decay decoupled "
              "(var -= var wd lr before the step)",
     [](Adam& s) {
       s = Adam{};
       s.eps = 1e-7;
       s.eps_placement = EpsPlacement::eps_hat;
       s.decoupled_weight_decay = true;
     }},
    {"tensorflow", "tensorflow/python/training/adam.py (AdamOptimizer) and ApplyAdam in "
                   "tensorflow/core/kernels/training_ops.cc, TF 2.x compat.v1: lr 1e-3, beta1 0.9, beta2 0.999, "
                   "epsilon 1e-8, eps_hat form; beta powers kept as running products (a rounding deviation)",
     [](Adam& s) {
       s = Adam{};
       s.eps_placement = EpsPlacement::eps_hat;
     }},
    {"onnx", "onnx/defs/training/defs.cc (Adam, ai.onnx.preview.training v1) and "
             "onnx/reference/ops/aionnx_preview_training/op_adam.py, ONNX 1.23.0: alpha 0.9, beta 0.999, epsilon "
             "1e-6, eps_hat form, bias correction by T = updates already done (none at T = 0), norm_coefficient = "
             "coupled weight_decay (0); R has no default (gradref: 1e-3); norm_coefficient_post: see adamw",
     [](Adam& s) {
       s = Adam{};
       s.eps = 1e-6;
       s.eps_placement = EpsPlacement::eps_hat;
       s.bias_correction_step = BiasCorrectionStep::previous;
     }},
    {"textbook", "Goodfellow, Bengio & Courville, Deep Learning (2016), Algorithm 8.7: eps 0.001, rho1 0.9, "
                 "rho2 0.999, delta 1e-8 outside the root of the corrected r_hat",
     [](Adam& s) { s = Adam{}; }},
}};
inline const auto& presets_of(const Adam*) { return adam_presets; }

}  // namespace gradref::spec
