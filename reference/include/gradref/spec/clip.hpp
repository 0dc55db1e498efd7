#pragma once
// A clip of probabilities to [clip_low, clip_high] before their logs, as Keras does
// (clip_by_value(x, backend.epsilon(), 1 - epsilon) in binary_crossentropy,
// clip(x, epsilon, 1) in kl_divergence). Shared by bce and kl_divergence.
// The clip's derivative is TensorFlow's clip_by_value gradient: 1 at and inside the
// bounds, 0 strictly outside them.
#include "gradref/spec/fields.hpp"

namespace gradref::spec {

/// Checks bounds lo, hi of a probability clip: 0 <= lo < hi <= 1 (NaN fails both).
inline void validate_clip(const char* op, double lo, double hi) {
  require(lo >= 0.0 && lo < 1.0, op, "clip_low", format_double(lo), "a number in [0, 1)");
  require(hi > lo && hi <= 1.0, op, "clip_high", format_double(hi), "a number in (clip_low, 1]");
}

/// Throws unless the clip bounds are exactly representable in the kernel's type T:
/// rounding them would clip at other values than the spec says (Keras in float32
/// clips at float32(1e-7), not at 1e-7).
template <class T>
void require_exact_clip(const char* op, double lo, double hi) {
  const char* expected = sizeof(T) == sizeof(float) ? "exactly representable in float32" : "exactly representable";
  require(static_cast<double>(static_cast<T>(lo)) == lo, op, "clip_low", format_double(lo), expected);
  require(static_cast<double>(static_cast<T>(hi)) == hi, op, "clip_high", format_double(hi), expected);
}

/// Keras' backend.epsilon() = 1e-7 and 1 - 1e-7 rounded to float32 (Keras' default
/// floatx, in which clip_by_value receives them), and the same as doubles (floatx
/// float64). 1e-7 is not a float32: the float32 bounds are what Keras clips at.
inline constexpr double keras_epsilon_float32 = 0x1.ad7f2ap-24;        // 1.0000000116860974e-07
inline constexpr double keras_one_minus_epsilon_float32 = 0x1.fffffcp-1;  // 1 - 2^-23
inline constexpr double keras_epsilon_float64 = 1e-7;
inline constexpr double keras_one_minus_epsilon_float64 = 1.0 - 1e-7;

}  // namespace gradref::spec
