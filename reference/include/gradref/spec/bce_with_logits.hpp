#pragma once
// Binary cross-entropy on logits x (p = sigmoid(x)) with targets y:
//   loss_i = w_i [ (1 - y_i) x_i + (1 + (pw_c - 1) y_i) softplus(-x_i) ]
// with softplus(-x) = -log sigmoid(x), an optional elementwise weight w and an
// optional pos_weight pw of shape [C] broadcast over the last axis (c = i mod C),
// as torch.nn.functional.binary_cross_entropy_with_logits.
#include <array>
#include <cstdint>
#include <span>
#include <utility>

#include "gradref/spec/bce.hpp"

namespace gradref::spec {

struct BceWithLogits {
  static constexpr const char* op = "bce_with_logits";

  Reduction reduction = Reduction::mean;

  template <class V>
  void describe(V& v) {
    v.choice("reduction", reduction, reduction_alternatives,
             "mean: divide the summed loss by the number of elements; sum; none: one loss per element");
  }
};

inline void validate(const BceWithLogits&) {}

/// torch.nn.functional.binary_cross_entropy_with_logits (aten/src/ATen/native/Loss.cpp).
inline constexpr std::array<Preset<BceWithLogits>, 1> bce_with_logits_presets{{
    {"pytorch", "aten/src/ATen/native/Loss.cpp binary_cross_entropy_with_logits, PyTorch 2.x",
     [](BceWithLogits& s) { s = BceWithLogits{}; }},
}};
inline const auto& presets_of(const BceWithLogits*) { return bce_with_logits_presets; }

/// Checks the shapes (as bce, plus pos_weight [C], C the last extent of input or 1
/// for a scalar input); returns {element count, C}.
inline std::pair<std::int64_t, std::int64_t> bce_with_logits_dims(const Shape& input, const Shape& target,
                                                                   const Shape* weight, const Shape* pos_weight) {
  const std::int64_t n = binary_loss_size(BceWithLogits::op, input, target, weight);
  const std::int64_t classes = input.empty() ? 1 : input.back();
  if (pos_weight) require_shape(BceWithLogits::op, "pos_weight", *pos_weight, Shape{classes});
  return {n, classes};
}

/// The value checks of bce_with_logits: every value finite.
template <class V, class Text>
void check_bce_with_logits_values(std::span<const V> input, std::span<const V> target, std::span<const V> weight,
                                  std::span<const V> pos_weight, const Text& text) {
  const char* op = BceWithLogits::op;
  require_values_in(op, "input", input, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "target", target, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "weight", weight, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "pos_weight", pos_weight, -largest_double, largest_double, "a finite number", text);
}

}  // namespace gradref::spec
