#pragma once
// Softmax cross-entropy on logits z [N, C] with class-index targets y [N]:
//   loss_i = logsumexp(z_i) - z_{i, y_i}
//   d loss_i / d z_ij = softmax(z_i)_j - [j = y_i]
// reduced by `reduction`: none (loss [N]), sum, or mean (divide by N).
#include <array>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/reduction.hpp"

namespace gradref::spec {

struct CrossEntropy {
  static constexpr const char* op = "cross_entropy";

  Reduction reduction = Reduction::mean;

  template <class V>
  void describe(V& v) {
    v.choice("reduction", reduction,
             std::array{Alternative<Reduction>{"mean", Reduction::mean},
                        Alternative<Reduction>{"sum", Reduction::sum},
                        Alternative<Reduction>{"none", Reduction::none}},
             "mean: divide the summed loss by N; sum; none: one loss per row");
  }
};

inline void validate(const CrossEntropy&) {}

/// torch.nn.functional.cross_entropy with class-index targets (reduction 'mean').
inline constexpr std::array<Preset<CrossEntropy>, 1> cross_entropy_presets{{
    {"pytorch", "torch/nn/functional.py cross_entropy, PyTorch 2.x", [](CrossEntropy& s) { s = CrossEntropy{}; }},
}};
inline const auto& presets_of(const CrossEntropy*) { return cross_entropy_presets; }

}  // namespace gradref::spec

#include <cmath>
#include <span>

#include "gradref/spec/shape.hpp"

namespace gradref::spec {

/// Checks logits [N, C] (N >= 1, C >= 1) and targets [N]; returns {N, C}.
inline std::pair<std::int64_t, std::int64_t> cross_entropy_dims(const CrossEntropy& s, const Shape& logits,
                                                                const Shape& target) {
  validate(s);
  if (logits.size() != 2 || logits[0] < 1 || logits[1] < 1)
    throw InvalidInput(CrossEntropy::op, "logits.shape", shape_text(logits), "[N, C] with N >= 1 and C >= 1");
  require_shape(CrossEntropy::op, "target", target, Shape{logits[0]});
  return {logits[0], logits[1]};
}

/// Checks that every target is a class index in [0, C).
template <class Index>
void check_targets(std::span<const Index> target, std::int64_t classes) {
  for (std::size_t i = 0; i < target.size(); ++i)
    if (target[i] < 0 || target[i] >= classes)
      throw InvalidInput(CrossEntropy::op, "target[" + std::to_string(i) + "]", std::to_string(target[i]),
                         "a class index in [0, " + std::to_string(classes) + ")");
}

}  // namespace gradref::spec
