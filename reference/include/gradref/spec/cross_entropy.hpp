#pragma once
// Softmax cross-entropy on logits z [N, C] or [N, C, d1, ..., dk] (classes on axis 1).
// At each target position i (a row of C logits), with p = softmax(z_i), the target
// is a mass t_i over the classes and
//   loss_i = sum_c t_ic * (-log p_c),      d loss_i / d z_ic = T_i * p_c - t_ic,  T_i = sum_c t_ic.
// The target mass comes from
//   indices:        t_ic = (1 - eps) w_{y_i} [c = y_i] + (eps / C) w_c, 0 where y_i = ignore_index;
//   probabilities:  t_ic = w_c * ((1 - eps) q_ic + eps / C),
// with class weights w (1 when absent) and label smoothing eps, as
// torch.nn.functional.cross_entropy defines both. Reductions: none (loss per
// position), sum, or mean, which divides by the total weight sum_i w_{y_i} of the
// non-ignored index targets (PyTorch and ONNX) and by the number of positions
// N * d1 * ... * dk for probability targets (PyTorch). Weights are constants: no
// gradient flows to them, as in PyTorch.
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "gradref/spec/class_targets.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/reduction.hpp"

namespace gradref::spec {

enum class TargetType { indices, probabilities };

/// Part of the op's defined order of operations (reference and fast kernel alike):
/// a row's max and sum of exponentials are formed over consecutive blocks of this
/// many classes, each block's (max, first max, sum of the rest) combined left to
/// right with the online rescaling. Fixed, so results never depend on threads or
/// SIMD width; large enough that the per-block work (a scalar exp, reductions across
/// lanes) costs little next to the block's own exps.
inline constexpr std::int64_t cross_entropy_block = 1024;

struct CrossEntropy {
  static constexpr const char* op = "cross_entropy";

  Reduction reduction = Reduction::mean;
  TargetType target_type = TargetType::indices;
  std::int64_t ignore_index = default_ignore_index;
  double label_smoothing = 0.0;

  template <class V>
  void describe(V& v) {
    v.choice("reduction", reduction, reduction_alternatives,
             "mean: divide the summed loss by the total weight of the non-ignored index targets (by the "
             "number of positions for probability targets); sum; none: one loss per target position");
    v.choice("target_type", target_type,
             std::array{Alternative<TargetType>{"indices", TargetType::indices},
                        Alternative<TargetType>{"probabilities", TargetType::probabilities}},
             "indices: target [N, d1..dk] of class indices; probabilities: target of the logits' shape, a "
             "distribution over the classes at each position");
    v.integer("ignore_index", ignore_index,
              "index targets equal to this contribute no loss, no gradient and no weight (any integer; the "
              "default -100 is never a class)");
    v.number("label_smoothing", label_smoothing,
             "eps in [0, 1]: the target becomes (1 - eps) * target + eps / C");
  }
};

inline void validate(const CrossEntropy& s) {
  require(s.label_smoothing >= 0.0 && s.label_smoothing <= 1.0, CrossEntropy::op, "label_smoothing",
          format_double(s.label_smoothing), "a number in [0, 1]");
  // A class-valued ignore_index would be silently unused with probability targets
  // (PyTorch refuses it too).
  if (s.target_type == TargetType::probabilities && s.ignore_index >= 0)
    throw InvalidInput(CrossEntropy::op, "ignore_index", std::to_string(s.ignore_index),
                       "a negative value (unused) for target_type probabilities: ignore_index applies to index targets");
}

/// torch.nn.functional.cross_entropy (PyTorch 2.x): mean, ignore_index -100, no smoothing.
inline constexpr std::array<Preset<CrossEntropy>, 6> cross_entropy_presets{{
    {"pytorch", "torch/nn/functional.py cross_entropy; aten/src/ATen/native/LossNLL.cpp (cross_entropy_loss_symint, "
                "cross_entropy_loss_label_smoothing, cross_entropy_loss_prob_target), PyTorch 2.x",
     [](CrossEntropy& s) { s = CrossEntropy{}; }},
    {"onnx", "ONNX SoftmaxCrossEntropyLoss (opset 13): reduction mean, optional weights and ignore_index",
     [](CrossEntropy& s) { s = CrossEntropy{}; }},
    {"keras", "keras/src/losses/losses.py CategoricalCrossentropy(from_logits=True), Keras 3: one-hot or "
              "probability targets, label_smoothing, reduction sum_over_batch_size",
     [](CrossEntropy& s) {
       s = CrossEntropy{};
       s.target_type = TargetType::probabilities;
     }},
    {"keras_sparse", "keras/src/losses/losses.py SparseCategoricalCrossentropy(from_logits=True), Keras 3",
     [](CrossEntropy& s) { s = CrossEntropy{}; }},
    {"optax", "optax/losses/_classification.py softmax_cross_entropy: probability labels, one loss per example",
     [](CrossEntropy& s) {
       s = CrossEntropy{};
       s.target_type = TargetType::probabilities;
       s.reduction = Reduction::none;
     }},
    {"optax_integer_labels",
     "optax/losses/_classification.py softmax_cross_entropy_with_integer_labels: one loss per example",
     [](CrossEntropy& s) {
       s = CrossEntropy{};
       s.reduction = Reduction::none;
     }},
}};
inline const auto& presets_of(const CrossEntropy*) { return cross_entropy_presets; }

/// Checks the shapes of logits, target and (when given) weight; returns the layout.
inline ClassLayout cross_entropy_layout(const CrossEntropy& s, const Shape& logits, const Shape& target,
                                        const Shape* weight) {
  validate(s);
  const ClassLayout l = class_layout(CrossEntropy::op, "logits", logits);
  if (s.target_type == TargetType::indices)
    require_index_target_shape(CrossEntropy::op, l, target);
  else
    require_shape(CrossEntropy::op, "target", target, logits);
  if (weight) require_shape(CrossEntropy::op, "weight", *weight, Shape{l.classes});
  return l;
}

/// Every logit is finite (a -inf mask logit is refused: see the docs' deviations).
template <class Scalar, class Text>
void check_logits(std::span<const Scalar> logits, Text text) {
  const Scalar infinity(std::numeric_limits<double>::infinity());
  for (std::size_t i = 0; i < logits.size(); ++i)
    if (!(logits[i] > -infinity && logits[i] < infinity))
      throw InvalidInput(CrossEntropy::op, "logits[" + std::to_string(i) + "]", text(logits[i]), "a finite number");
}

/// Every probability target is in [0, 1] (a row need not sum to 1: the loss and its
/// gradient are defined for any nonnegative mass, as in PyTorch).
template <class Scalar, class Text>
void check_probability_targets(std::span<const Scalar> target, Text text) {
  for (std::size_t i = 0; i < target.size(); ++i)
    if (!(target[i] >= Scalar(0.0) && target[i] <= Scalar(1.0)))
      throw InvalidInput(CrossEntropy::op, "target[" + std::to_string(i) + "]", text(target[i]),
                         "a probability in [0, 1]");
}

}  // namespace gradref::spec
