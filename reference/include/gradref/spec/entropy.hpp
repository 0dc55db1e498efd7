#pragma once
// Shannon entropy, in nats, of each row of p [N, K] (a distribution along the last axis):
//   H_i = -sum_k p_ik log p_ik,   0 log 0 = 0
//   d H_i / d p_ik = -(log p_ik + 1)              (p given as probabilities; +inf at p_ik = 0)
//   d H_i / d l_ik = -(l_ik + 1) exp(l_ik)        (p given as l = log p)
// reduced by `reduction`: none (H [N]), sum, or mean (divide by N). Rows need not
// sum to 1; the formula is used as written for any nonnegative p (no normalization).
#include <array>
#include <cstdint>
#include <utility>

#include "gradref/spec/distribution.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/reduction.hpp"

namespace gradref::spec {

struct Entropy {
  static constexpr const char* op = "entropy";

  Form p_form = Form::prob;
  Reduction reduction = Reduction::none;

  template <class V>
  void describe(V& v) {
    v.choice("p_form", p_form, form_alternatives,
             "prob: p holds probabilities (finite, >= 0); log: p holds log-probabilities (finite), "
             "and grad_p is the gradient with respect to them");
    v.choice("reduction", reduction, reduction_alternatives,
             "none: one entropy per row [N]; sum: over rows; mean: the sum divided by N");
  }
};

inline void validate(const Entropy&) {}

inline constexpr std::array<Preset<Entropy>, 2> entropy_presets{{
    {"textbook", "Cover & Thomas, Elements of Information Theory, 2nd ed., eq. 2.1 (in nats)",
     [](Entropy& s) { s = Entropy{}; }},
    {"pytorch",
     "torch/distributions/categorical.py Categorical.entropy (-(probs * logits).sum(-1), one per row, "
     "from normalized log-probabilities), PyTorch 2.x",
     [](Entropy& s) {
       s = Entropy{};
       s.p_form = Form::log;
     }},
}};
inline const auto& presets_of(const Entropy*) { return entropy_presets; }

/// Checks p's shape ([N, K], N >= 1, K >= 1); returns {N, K}.
inline std::pair<std::int64_t, std::int64_t> entropy_dims(const Entropy& s, const Shape& p) {
  validate(s);
  return distribution_dims(Entropy::op, "p", p);
}

}  // namespace gradref::spec
