#pragma once
// Cross-entropy H(P, Q) between the rows of p and q [N, K] (distributions along the
// last axis), in nats, elementwise:
//   c_ik = -p_ik log q_ik,   0 where p_ik = 0 (whatever q_ik),   +inf where q_ik = 0 < p_ik
//   H(P_i, Q_i) = sum_k c_ik = H(P_i) + D_KL(P_i || Q_i)
// Gradients of the reduced loss, with respect to each input in the form it is given:
//   d c / d p = -log q           d c / d q = -p / q   (0 where p = 0)
//   d c / d log p = -p log q     d c / d log q = -p
// Rows need not sum to 1: the formula is used as written for any nonnegative p, q.
// The forms and the reductions are kl_divergence's (spec/distribution.hpp, KlReduction).
#include <array>
#include <cstdint>
#include <utility>

#include "gradref/spec/distribution.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/kl_divergence.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

struct CrossEntropyPq {
  static constexpr const char* op = "cross_entropy_pq";

  Form p_form = Form::prob;
  Form q_form = Form::prob;
  KlReduction reduction = KlReduction::row;

  template <class V>
  void describe(V& v) {
    v.choice("p_form", p_form, form_alternatives,
             "prob: p holds probabilities (finite, >= 0); log: log-probabilities (finite), and grad_p is the "
             "gradient with respect to them");
    v.choice("q_form", q_form, form_alternatives,
             "prob: q holds probabilities (finite, >= 0); log: log-probabilities (finite), and grad_q is the "
             "gradient with respect to them");
    v.choice("reduction", reduction,
             std::array{Alternative<KlReduction>{"row", KlReduction::row},
                        Alternative<KlReduction>{"none", KlReduction::none},
                        Alternative<KlReduction>{"sum", KlReduction::sum},
                        Alternative<KlReduction>{"mean", KlReduction::mean},
                        Alternative<KlReduction>{"batchmean", KlReduction::batchmean}},
             "row: one cross-entropy per row [N]; none: every term c_ik [N, K]; sum: over all terms; mean: the "
             "sum divided by N * K; batchmean: the sum divided by N");
  }
};

inline void validate(const CrossEntropyPq&) {}

/// The textbook definition, and PyTorch's cross_entropy with class-probability
/// targets, which is H(P, Q) of q = softmax(input): with log-probabilities of a
/// normalized Q as its input, log_softmax leaves them as they are.
inline constexpr std::array<Preset<CrossEntropyPq>, 2> cross_entropy_pq_presets{{
    {"textbook", "Goodfellow, Bengio & Courville, Deep Learning (2016), section 3.13, eq. 3.51 (in nats)",
     [](CrossEntropyPq& s) { s = CrossEntropyPq{}; }},
    {"pytorch_prob_targets",
     "torch/nn/functional.py cross_entropy with class-probability targets and aten/src/ATen/native/LossNLL.cpp "
     "cross_entropy_loss_prob_target (reduction='mean' divides by N), input = log q of normalized rows, "
     "PyTorch 2.x",
     [](CrossEntropyPq& s) {
       s = CrossEntropyPq{};
       s.q_form = Form::log;
       s.reduction = KlReduction::batchmean;
     }},
}};
inline const auto& presets_of(const CrossEntropyPq*) { return cross_entropy_pq_presets; }

/// Checks p ([N, K], N >= 1, K >= 1) and q (p's shape); returns {N, K}.
inline std::pair<std::int64_t, std::int64_t> cross_entropy_pq_dims(const CrossEntropyPq& s, const Shape& p,
                                                                   const Shape& q) {
  validate(s);
  const auto dims = distribution_dims(CrossEntropyPq::op, "p", p);
  require_shape(CrossEntropyPq::op, "q", q, p);
  return dims;
}

/// What the reduced sum is divided by: N * K for mean, N for batchmean, else 1.
inline std::int64_t cross_entropy_pq_divisor(const CrossEntropyPq& s, std::int64_t rows, std::int64_t classes) {
  if (s.reduction == KlReduction::mean) return rows * classes;
  return s.reduction == KlReduction::batchmean ? rows : 1;
}

}  // namespace gradref::spec
