#pragma once
// Class-index targets over scores laid out [N, C] or [N, C, d1, ..., dk] (classes on
// axis 1, as torch.nn.functional.cross_entropy / nll_loss and ONNX
// SoftmaxCrossEntropyLoss / NegativeLogLikelihoodLoss lay them out), with optional
// class weights [C] and an ignore_index. Shared by the losses that take such targets.
//
// The reduction rule they share (PyTorch and ONNX): with w_i the weight of position
// i's target class (0 where the target is ignored),
//   none: loss_i = w_i * l_i,   sum: sum_i w_i * l_i,   mean: sum_i w_i * l_i / sum_i w_i.
// The mean divides by the total weight of the non-ignored targets, not by the count.
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "gradref/spec/errors.hpp"
#include "gradref/spec/reduction.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

/// PyTorch's default ignore_index: no valid class index is negative, so it ignores nothing valid.
inline constexpr std::int64_t default_ignore_index = -100;

/// Scores [N, C, d1..dk] seen as N blocks of C classes, each over `inner` = d1*...*dk
/// positions: element (n, c, k) is at (n * classes + c) * inner + k.
struct ClassLayout {
  std::int64_t batch = 0;
  std::int64_t classes = 0;
  std::int64_t inner = 1;
  Shape target_shape;  ///< [N, d1, ..., dk]

  std::int64_t positions() const { return batch * inner; }
  /// Offset of class c at target position `position` (= n * inner + k).
  std::int64_t offset(std::int64_t position, std::int64_t c) const {
    return ((position / inner) * classes + c) * inner + position % inner;
  }
};

/// Checks scores [N, C, d1..dk] (rank >= 2, every extent >= 1) and returns their layout.
inline ClassLayout class_layout(const char* op, const std::string& field, const Shape& scores) {
  bool ok = scores.size() >= 2;
  for (std::int64_t extent : scores) ok = ok && extent >= 1;
  if (!ok)
    throw InvalidInput(op, field + ".shape", shape_text(scores),
                       "[N, C] or [N, C, d1, ..., dk] with every extent >= 1");
  ClassLayout l;
  l.batch = scores[0];
  l.classes = scores[1];
  l.target_shape = {scores[0]};
  for (std::size_t i = 2; i < scores.size(); ++i) {
    l.inner *= scores[i];
    l.target_shape.push_back(scores[i]);
  }
  return l;
}

/// Class-index targets must have shape [N, d1..dk].
inline void require_index_target_shape(const char* op, const ClassLayout& l, const Shape& target) {
  require_shape(op, "target", target, l.target_shape);
}

/// Every target is a class index in [0, C) or equals ignore_index.
template <class Index>
void check_class_targets(const char* op, std::span<const Index> target, std::int64_t classes,
                         std::int64_t ignore_index) {
  for (std::size_t i = 0; i < target.size(); ++i)
    if (target[i] != ignore_index && (target[i] < 0 || target[i] >= classes))
      throw InvalidInput(op, "target[" + std::to_string(i) + "]", std::to_string(target[i]),
                         "a class index in [0, " + std::to_string(classes) + ") or ignore_index = " +
                             std::to_string(ignore_index));
}

/// Class weights [C], each finite and >= 0 (the weighted mean divides by their sum).
/// Scalar is any ordered scalar (float, double, Real, Tracked); `text(w)` spells a
/// refused weight for the message. NaN fails every comparison, so it is refused.
template <class Scalar, class Text>
void check_class_weights(const char* op, const Shape& shape, std::span<const Scalar> weight, std::int64_t classes,
                         Text text) {
  require_shape(op, "weight", shape, Shape{classes});
  const Scalar infinity(std::numeric_limits<double>::infinity());
  for (std::size_t c = 0; c < weight.size(); ++c)
    if (!(weight[c] >= Scalar(0.0) && weight[c] < infinity))
      throw InvalidInput(op, "weight[" + std::to_string(c) + "]", text(weight[c]), "a finite number >= 0");
}

/// A mean over targets whose weights sum to 0 (all ignored, or all of weight 0) is
/// 0/0; PyTorch returns nan, gradref refuses it.
inline void require_positive_total_weight(const char* op, bool positive) {
  if (!positive)
    throw InvalidInput(op, "target", "every target ignored or of weight 0",
                       "at least one target of positive weight for reduction mean (the weighted mean is 0/0)");
}

/// Shape of the reduced loss: the target's shape for none, a scalar otherwise.
inline Shape reduced_loss_shape(Reduction r, const ClassLayout& l) {
  return r == Reduction::none ? l.target_shape : Shape{};
}

}  // namespace gradref::spec
