#pragma once
// Binary cross-entropy on probabilities p in [0, 1] with targets y in [0, 1]:
//   loss_i = -w_i (y_i log p_i + (1 - y_i) log(1 - p_i))
// with an optional elementwise weight w, reduced by `reduction` (none, sum, mean
// over every element). A term whose coefficient is 0 is 0 (y log p at y = 0, and
// (1 - y) log(1 - p) at y = 1), as in the cross-entropy of Bernoulli(y) and
// Bernoulli(p). PyTorch clamps each log at -100 (`clamp_log`, `log_floor`).
// Keras first clips p to [clip_low, clip_high] (`clip_by_value` with
// backend.epsilon() = 1e-7): the loss is computed at the clipped p, and the clip's
// derivative is TensorFlow's, 1 at and inside the bounds and 0 strictly outside,
// so grad_input is 0 where p lies outside them. The defaults [0, 1] clip nothing.
#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "gradref/spec/clip.hpp"
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/reduction.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

struct Bce {
  static constexpr const char* op = "bce";

  Reduction reduction = Reduction::mean;
  bool clamp_log = true;
  double log_floor = -100.0;
  double clip_low = 0.0;
  double clip_high = 1.0;

  template <class V>
  void describe(V& v) {
    v.choice("reduction", reduction, reduction_alternatives,
             "mean: divide the summed loss by the number of elements; sum; none: one loss per element");
    v.flag("clamp_log", clamp_log,
           "replace log p and log(1 - p) by max(log, log_floor) before multiplying (PyTorch)");
    v.number("log_floor", log_floor, "the clamp of each log when clamp_log is true; finite, <= 0");
    v.number("clip_low", clip_low,
             "p is clipped to [clip_low, clip_high] before the logs (Keras); 0 <= clip_low < clip_high");
    v.number("clip_high", clip_high, "the upper bound of the clip; clip_low < clip_high <= 1 (1 and 0: no clip)");
  }
};

inline void validate(const Bce& s) {
  require(std::isfinite(s.log_floor) && s.log_floor <= 0, Bce::op, "log_floor", format_double(s.log_floor),
          "a finite number <= 0");
  validate_clip(Bce::op, s.clip_low, s.clip_high);
}

/// torch.nn.functional.binary_cross_entropy (aten/src/ATen/native/Loss.cpp,
/// binary_cross_entropy_out_cpu: each log clamped at -100), the unclamped textbook loss,
/// and Keras 3's BinaryCrossentropy(from_logits=False) in float32 and float64.
inline constexpr std::array<Preset<Bce>, 4> bce_presets{{
    {"pytorch", "aten/src/ATen/native/Loss.cpp binary_cross_entropy_out_cpu, PyTorch 2.x",
     [](Bce& s) { s = Bce{}; }},
    {"textbook", "-w (y log p + (1 - y) log(1 - p)), no clamp",
     [](Bce& s) {
       s = Bce{};
       s.clamp_log = false;
     }},
    {"keras",
     "keras/src/backend/tensorflow/nn.py binary_crossentropy (clip_by_value(output, epsilon, 1 - epsilon), "
     "backend.epsilon() = 1e-7) under keras/src/losses/losses.py BinaryCrossentropy, Keras 3, float32: "
     "clip at float32(1e-7) = 0x1.ad7f2ap-24 and float32(1 - 1e-7) = 1 - 2^-23; label_smoothing not modelled",
     [](Bce& s) {
       s = Bce{};
       s.clamp_log = false;
       s.clip_low = keras_epsilon_float32;
       s.clip_high = keras_one_minus_epsilon_float32;
     }},
    {"keras_float64", "as keras, with floatx float64: clip at the doubles 1e-7 and 1 - 1e-7",
     [](Bce& s) {
       s = Bce{};
       s.clamp_log = false;
       s.clip_low = keras_epsilon_float64;
       s.clip_high = keras_one_minus_epsilon_float64;
     }},
}};
inline const auto& presets_of(const Bce*) { return bce_presets; }

/// Checks input (at least one element, every extent >= 1) and that target and the
/// optional weight have its shape; returns the element count. Shared with bce_with_logits.
inline std::int64_t binary_loss_size(const char* op, const Shape& input, const Shape& target, const Shape* weight) {
  for (std::int64_t extent : input)
    if (extent < 1) throw InvalidInput(op, "input.shape", shape_text(input), "every extent >= 1");
  require_shape(op, "target", target, input);
  if (weight) require_shape(op, "weight", *weight, input);
  return element_count(input);
}

/// Index of the first value outside [lo, hi] (NaN included), or -1. Works for
/// float, double and the reference's scalars (whose comparisons are exact).
template <class V>
std::int64_t first_outside(std::span<const V> values, double lo, double hi) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!(values[i] >= lo && values[i] <= hi)) return static_cast<std::int64_t>(i);
  return -1;
}

/// Throws InvalidInput(op, "<name>[i]", ...) for the first value outside [lo, hi];
/// `text` formats a value for the message.
template <class V, class Text>
void require_values_in(const char* op, const char* name, std::span<const V> values, double lo, double hi,
                       const char* expected, const Text& text) {
  const std::int64_t i = first_outside(values, lo, hi);
  if (i >= 0)
    throw InvalidInput(op, std::string(name) + "[" + std::to_string(i) + "]", text(values[static_cast<std::size_t>(i)]),
                       expected);
}

inline constexpr double largest_double = 1.7976931348623157e308;

/// The value checks of bce: p and y in [0, 1], weights finite.
template <class V, class Text>
void check_bce_values(std::span<const V> input, std::span<const V> target, std::span<const V> weight,
                      const Text& text) {
  require_values_in(Bce::op, "input", input, 0.0, 1.0, "a probability in [0, 1]", text);
  require_values_in(Bce::op, "target", target, 0.0, 1.0, "a target in [0, 1]", text);
  require_values_in(Bce::op, "weight", weight, -largest_double, largest_double, "a finite number", text);
}

}  // namespace gradref::spec
