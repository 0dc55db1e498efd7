#pragma once
// Negative log-likelihood on log-probabilities x [N, C] or [N, C, d1..dk] (classes on
// axis 1) with class-index targets y [N, d1..dk] and optional class weights w [C]:
//   loss_i = -w_{y_i} x[i, y_i]          (0 where y_i = ignore_index)
//   d loss_i / d x[i, c] = -w_{y_i} [c = y_i]
// reduced by `reduction`: none (loss [N, d1..dk]), sum, or mean, which divides by
// the total weight sum_i w_{y_i} of the non-ignored targets (spec/class_targets.hpp).
// Weights are constants: no gradient with respect to them (PyTorch does not
// implement one either).
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>

#include "gradref/spec/class_targets.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/reduction.hpp"

namespace gradref::spec {

struct Nll {
  static constexpr const char* op = "nll";

  std::int64_t ignore_index = default_ignore_index;
  Reduction reduction = Reduction::mean;

  template <class V>
  void describe(V& v) {
    v.integer("ignore_index", ignore_index,
              "a target equal to this value contributes nothing (loss 0, weight 0, no gradient); any integer, "
              "a class index in [0, C) included");
    v.choice("reduction", reduction, reduction_alternatives,
             "mean: the summed loss divided by the total weight of the non-ignored targets; sum; none: one "
             "loss per target position");
  }
};

inline void validate(const Nll&) {}

/// torch.nn.functional.nll_loss (ignore_index=-100, reduction='mean'), and ONNX
/// NegativeLogLikelihoodLoss, whose ignore_index attribute has no default: absent,
/// no target is ignored. The onnx preset keeps -100, which ignores no valid class
/// index, and is the value torch.onnx writes when it exports nll_loss.
inline constexpr std::array<Preset<Nll>, 2> nll_presets{{
    {"pytorch",
     "torch/nn/functional.py nll_loss and aten/src/ATen/native/LossNLL.cpp (nll_loss_out_frame, "
     "nll_loss_backward_out_frame), PyTorch 2.x",
     [](Nll& s) { s = Nll{}; }},
    {"onnx",
     "ONNX NegativeLogLikelihoodLoss-13/22 (onnx/reference/ops/op_negative_log_likelihood_loss.py); "
     "ignore_index -100 as torch/onnx/symbolic_opset12.py exports it",
     [](Nll& s) { s = Nll{}; }},
}};
inline const auto& presets_of(const Nll*) { return nll_presets; }

/// Checks input [N, C, d1..dk], target [N, d1..dk] and the optional weight's shape
/// ([C]); returns the layout.
inline ClassLayout nll_layout(const Nll& s, const Shape& input, const Shape& target, const Shape* weight) {
  validate(s);
  const ClassLayout l = class_layout(Nll::op, "input", input);
  require_index_target_shape(Nll::op, l, target);
  if (weight) require_shape(Nll::op, "weight", *weight, Shape{l.classes});
  return l;
}

/// Every input value is finite: a log-probability of 0 (-inf) would make the loss
/// +inf, and 0 * inf NaN where its weight is 0. `text(x)` spells a refused value;
/// V is float, double or Real.
template <class V, class Text>
void check_nll_input(std::span<const V> input, Text&& text) {
  for (std::size_t i = 0; i < input.size(); ++i) {
    using std::isfinite;
    if (!isfinite(input[i]))
      throw InvalidInput(Nll::op, "input[" + std::to_string(i) + "]", text(input[i]),
                         "a finite number (a log-probability > -inf)");
  }
}

}  // namespace gradref::spec
