#pragma once
// Kullback-Leibler divergence between the rows of p and q [N, K] (distributions
// along the last axis), in nats, elementwise:
//   d_ik = p_ik (log p_ik - log q_ik),   0 where p_ik = 0,   +inf where q_ik = 0 < p_ik
//   D_KL(P_i || Q_i) = sum_k d_ik
// Gradients of the reduced loss, with respect to each input in the form it is given:
//   d d_ik / d p_ik = log p_ik - log q_ik + 1      d d_ik / d q_ik = -p_ik / q_ik
//   d d_ik / d log p_ik = p_ik (log p_ik - log q_ik + 1)     d d_ik / d log q_ik = -p_ik
// Rows need not sum to 1: the formula is used as written for any nonnegative p, q.
// clip (Keras): p and q, both probabilities, are first clipped to [clip_low,
// clip_high] (clip.hpp), the terms and gradients taken at the clipped values, and
// each gradient is 0 where its input lies strictly outside the bounds.
#include <array>
#include <cstdint>
#include <utility>

#include "gradref/spec/clip.hpp"
#include "gradref/spec/distribution.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

/// KL's reductions: torch's none/sum/mean/batchmean, plus one divergence per row.
enum class KlReduction { none, row, sum, mean, batchmean };

struct KlDivergence {
  static constexpr const char* op = "kl_divergence";

  Form p_form = Form::prob;
  Form q_form = Form::prob;
  KlReduction reduction = KlReduction::row;
  bool clip = false;
  double clip_low = 0.0;
  double clip_high = 1.0;

  template <class V>
  void describe(V& v) {
    v.choice("p_form", p_form, form_alternatives,
             "prob: p holds probabilities (finite, >= 0); log: log-probabilities (finite), and grad_p is "
             "the gradient with respect to them");
    v.choice("q_form", q_form, form_alternatives,
             "prob: q holds probabilities (finite, >= 0); log: log-probabilities (finite), and grad_q is "
             "the gradient with respect to them");
    v.choice("reduction", reduction,
             std::array{Alternative<KlReduction>{"row", KlReduction::row},
                        Alternative<KlReduction>{"none", KlReduction::none},
                        Alternative<KlReduction>{"sum", KlReduction::sum},
                        Alternative<KlReduction>{"mean", KlReduction::mean},
                        Alternative<KlReduction>{"batchmean", KlReduction::batchmean}},
             "row: one divergence per row [N]; none: every term d_ik [N, K]; sum: over all terms; "
             "mean: the sum divided by N * K (torch's 'mean'); batchmean: the sum divided by N");
    v.flag("clip", clip,
           "clip p and q (both prob) to [clip_low, clip_high] first (Keras); the gradient is 0 outside the bounds");
    v.number("clip_low", clip_low, "the lower bound of the clip; 0 <= clip_low < clip_high");
    v.number("clip_high", clip_high, "the upper bound of the clip; clip_low < clip_high <= 1");
  }
};

inline void validate(const KlDivergence& s) {
  validate_clip(KlDivergence::op, s.clip_low, s.clip_high);
  require(!s.clip || (s.p_form == Form::prob && s.q_form == Form::prob), KlDivergence::op, "clip", "true",
          "false unless p_form and q_form are prob");
}

/// torch.nn.functional.kl_div(input, target, reduction, log_target): input = log q,
/// target = p (log p when log_target). Its default reduction is 'mean', over all
/// N * K elements; torch warns that 'batchmean' is the mathematical KL divergence.
/// Keras 3's KLDivergence: kl_divergence clips y_true and y_pred to [epsilon, 1] and
/// sums y_true log(y_true / y_pred) over the last axis (p = y_true, q = y_pred).
inline constexpr std::array<Preset<KlDivergence>, 5> kl_divergence_presets{{
    {"textbook", "Cover & Thomas, Elements of Information Theory, 2nd ed., eq. 2.26 (in nats)",
     [](KlDivergence& s) { s = KlDivergence{}; }},
    {"pytorch", "torch/nn/functional.py kl_div (log_target=False, reduction='mean'), PyTorch 2.x",
     [](KlDivergence& s) {
       s = KlDivergence{};
       s.q_form = Form::log;
       s.reduction = KlReduction::mean;
     }},
    {"pytorch_log_target", "torch/nn/functional.py kl_div (log_target=True, reduction='mean'), PyTorch 2.x",
     [](KlDivergence& s) {
       s = KlDivergence{};
       s.p_form = Form::log;
       s.q_form = Form::log;
       s.reduction = KlReduction::mean;
     }},
    {"keras",
     "keras/src/losses/losses.py kl_divergence (clip(y_true, epsilon, 1), clip(y_pred, epsilon, 1), "
     "backend.epsilon() = 1e-7) under KLDivergence, Keras 3, float32: clip at float32(1e-7) = 0x1.ad7f2ap-24; "
     "reduction batchmean = 'sum_over_batch_size' of the row sums",
     [](KlDivergence& s) {
       s = KlDivergence{};
       s.reduction = KlReduction::batchmean;
       s.clip = true;
       s.clip_low = keras_epsilon_float32;
       s.clip_high = 1.0;
     }},
    {"keras_float64", "as keras, with floatx float64: clip at the double 1e-7",
     [](KlDivergence& s) {
       s = KlDivergence{};
       s.reduction = KlReduction::batchmean;
       s.clip = true;
       s.clip_low = keras_epsilon_float64;
       s.clip_high = 1.0;
     }},
}};
inline const auto& presets_of(const KlDivergence*) { return kl_divergence_presets; }

/// Checks p ([N, K], N >= 1, K >= 1) and q (p's shape); returns {N, K}.
inline std::pair<std::int64_t, std::int64_t> kl_divergence_dims(const KlDivergence& s, const Shape& p,
                                                                const Shape& q) {
  validate(s);
  const auto dims = distribution_dims(KlDivergence::op, "p", p);
  require_shape(KlDivergence::op, "q", q, p);
  return dims;
}

/// What the reduced sum is divided by: N * K for mean, N for batchmean, else 1.
inline std::int64_t kl_divisor(const KlDivergence& s, std::int64_t rows, std::int64_t classes) {
  if (s.reduction == KlReduction::mean) return rows * classes;
  return s.reduction == KlReduction::batchmean ? rows : 1;
}

}  // namespace gradref::spec
