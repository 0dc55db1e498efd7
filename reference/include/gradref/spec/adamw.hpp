#pragma once
// AdamW: Adam (spec/adam.hpp, every field but weight decay) with decoupled weight
// decay lambda = weight_decay, in the style frameworks disagree on:
//
//   lr_scaled:       theta <- (1 - eta lr lambda) theta before the moments (PyTorch,
//                    Keras; optax's u + lambda theta scaled by -lr is the same real number)
//   schedule_scaled: theta <- (1 - eta lambda) theta: decay times the schedule
//                    multiplier eta but not alpha (Loshchilov & Hutter 2019, Alg. 2)
//   post_step:       theta <- (1 - lambda) theta after the Adam step, not scaled by lr
//                    (ONNX norm_coefficient_post)
// The Adam step itself uses eta lr. coupled_weight_decay adds ONNX's norm_coefficient
// (L2 on the gradient). The update is Adam's (rules/adam_impl.hpp), not a copy.
#include "gradref/spec/adam.hpp"

namespace gradref::spec {

inline constexpr std::array decoupled_decay_styles{
    Alternative<DecoupledDecay>{"lr_scaled", DecoupledDecay::lr_scaled},
    Alternative<DecoupledDecay>{"schedule_scaled", DecoupledDecay::schedule_scaled},
    Alternative<DecoupledDecay>{"post_step", DecoupledDecay::post_step}};

struct AdamW : AdamCore {
  static constexpr const char* op = "adamw";

  double weight_decay = 1e-2;
  DecoupledDecay decay_style = DecoupledDecay::lr_scaled;
  double schedule_multiplier = 1.0;
  double coupled_weight_decay = 0.0;

  template <class V>
  void describe(V& v) {
    describe_head(v);
    v.number("weight_decay", weight_decay, "decoupled decay lambda; >= 0");
    v.choice("decay_style", decay_style, decoupled_decay_styles,
             "lr_scaled: theta *= 1 - eta lr lambda before the step (PyTorch, Keras, optax); schedule_scaled: "
             "theta *= 1 - eta lambda (Loshchilov & Hutter); post_step: theta *= 1 - lambda after the step (ONNX)");
    v.number("schedule_multiplier", schedule_multiplier,
             "eta_t of Loshchilov & Hutter: the step uses eta lr; 1 for a learning rate that already holds the "
             "schedule; >= 0");
    v.number("coupled_weight_decay", coupled_weight_decay, "L2 added to the gradient, g += c theta (ONNX "
                                                           "norm_coefficient); >= 0");
    describe_tail(v);
  }
};

inline void validate(const AdamW& s) {
  validate_core(s, AdamW::op);
  require_finite_at_least(s.weight_decay, 0.0, AdamW::op, "weight_decay", "a finite number >= 0");
  require_finite_at_least(s.schedule_multiplier, 0.0, AdamW::op, "schedule_multiplier", "a finite number >= 0");
  require_finite_at_least(s.coupled_weight_decay, 0.0, AdamW::op, "coupled_weight_decay", "a finite number >= 0");
}

inline AdamDecay decay_of(const AdamW& s) {
  return {s.coupled_weight_decay, s.weight_decay, s.weight_decay == 0.0 ? DecoupledDecay::none : s.decay_style,
          s.schedule_multiplier};
}

inline constexpr std::array<Preset<AdamW>, 5> adamw_presets{{
    {"pytorch", "torch/optim/adamw.py (AdamW(Adam), decoupled_weight_decay=True) and adam.py "
                "(_single_tensor_adam), PyTorch 2.15.0: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2, "
                "param.mul_(1 - lr weight_decay) before the moments",
     [](AdamW& s) { s = AdamW{}; }},
    {"optax", "optax/_src/alias.py (adamw = scale_by_adam, add_decayed_weights, scale_by_learning_rate), optax "
              "0.2.9.dev (2edbcbe): b1 0.9, b2 0.999, eps 1e-8, eps_root 0, weight_decay 1e-4, no default lr "
              "(gradref: 1e-3); -lr (u + wd theta) equals PyTorch's step as a real number",
     [](AdamW& s) {
       s = AdamW{};
       s.weight_decay = 1e-4;
       s.amsgrad_max = AmsgradMax::v_hat;
     }},
    {"keras", "keras/src/optimizers/adamw.py, adam.py and base_optimizer.py (_apply_weight_decay), Keras 3.16.0: "
              "lr 1e-3, weight_decay 0.004, beta_1 0.9, beta_2 0.999, epsilon 1e-7, var -= var wd lr before the "
              "eps_hat Adam step",
     [](AdamW& s) {
       s = AdamW{};
       s.weight_decay = 0.004;
       s.eps = 1e-7;
       s.eps_placement = EpsPlacement::eps_hat;
     }},
    {"onnx", "onnx/defs/training/defs.cc (Adam, ai.onnx.preview.training v1) and "
             "onnx/reference/ops/aionnx_preview_training/op_adam.py, ONNX 1.23.0: X_final = (1 - "
             "norm_coefficient_post) X_new, default 0; norm_coefficient coupled (0); epsilon 1e-6, eps_hat form, "
             "bias correction by T (none at T = 0); R has no default (gradref: 1e-3)",
     [](AdamW& s) {
       s = AdamW{};
       s.weight_decay = 0.0;
       s.decay_style = DecoupledDecay::post_step;
       s.eps = 1e-6;
       s.eps_placement = EpsPlacement::eps_hat;
       s.bias_correction_step = BiasCorrectionStep::previous;
     }},
    {"textbook", "Loshchilov & Hutter, Decoupled Weight Decay Regularization (ICLR 2019), Algorithm 2: alpha 1e-3, "
                 "beta1 0.9, beta2 0.999, eps 1e-8, theta <- theta - eta_t (alpha m_hat / (sqrt(v_hat) + eps) + "
                 "lambda theta); lambda has no default (gradref: 1e-5, PyTorch's lr wd per step), eta_t 1",
     [](AdamW& s) {
       s = AdamW{};
       s.weight_decay = 1e-5;
       s.decay_style = DecoupledDecay::schedule_scaled;
     }},
}};
inline const auto& presets_of(const AdamW*) { return adamw_presets; }

}  // namespace gradref::spec
