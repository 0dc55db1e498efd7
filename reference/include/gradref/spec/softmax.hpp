#pragma once
// Softmax and log-softmax of `input` along the axis `dim`, each with its
// vector-Jacobian product for an upstream cotangent g (`grad_output`, input's shape):
//   softmax_j     = exp(z_j - m) / sum_k exp(z_k - m),       m = max_k z_k
//   log_softmax_j = (z_j - m) - log(sum_k exp(z_k - m))
//   softmax:      grad_input_j = y_j (g_j - sum_k g_k y_k)   (y = softmax)
//   log_softmax:  grad_input_j = g_j - y_j sum_k g_k
// both over every row along `dim`. The two ops share their field, presets and
// checks; they are the building blocks of the cross-entropy losses.
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "gradref/spec/bce.hpp"  // require_values_in, largest_double
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

inline constexpr const char* softmax_dim_doc =
    "the axis the rows run along; negative counts from the end (-1: the last axis); "
    "an integer in [-rank, rank) of input, checked when the op is evaluated";

struct Softmax {
  static constexpr const char* op = "softmax";

  std::int64_t dim = -1;

  template <class V>
  void describe(V& v) {
    v.integer("dim", dim, softmax_dim_doc);
  }
};

struct LogSoftmax {
  static constexpr const char* op = "log_softmax";

  std::int64_t dim = -1;

  template <class V>
  void describe(V& v) {
    v.integer("dim", dim, softmax_dim_doc);
  }
};

// dim can only be checked against the input's rank: softmax_layout does it.
inline void validate(const Softmax&) {}
inline void validate(const LogSoftmax&) {}

/// The frameworks agree on the mathematics; they differ only in how the axis is
/// chosen when none is given, and every preset here gives -1 (see docs/losses/softmax.md).
inline constexpr std::array<Preset<Softmax>, 3> softmax_presets{{
    {"pytorch",
     "torch/nn/functional.py softmax(input, dim=-1), PyTorch 2.x (dim=None picks 0 or 1 by rank, deprecated)",
     [](Softmax& s) { s = Softmax{}; }},
    {"onnx", "onnx/defs/math/defs.cc Softmax-13: axis, default -1, one axis (no 2-D coercion since opset 13)",
     [](Softmax& s) { s = Softmax{}; }},
    {"tensorflow", "tensorflow/python/ops/nn_ops.py softmax_v2(logits, axis=None): None means -1, TF 2.x",
     [](Softmax& s) { s = Softmax{}; }},
}};
inline const auto& presets_of(const Softmax*) { return softmax_presets; }

inline constexpr std::array<Preset<LogSoftmax>, 3> log_softmax_presets{{
    {"pytorch",
     "torch/nn/functional.py log_softmax(input, dim=-1), PyTorch 2.x (dim=None picks 0 or 1 by rank, deprecated)",
     [](LogSoftmax& s) { s = LogSoftmax{}; }},
    {"onnx", "onnx/defs/math/defs.cc LogSoftmax-13: axis, default -1, one axis (no 2-D coercion since opset 13)",
     [](LogSoftmax& s) { s = LogSoftmax{}; }},
    {"tensorflow", "tensorflow/python/ops/nn_ops.py log_softmax_v2(logits, axis=None): None means -1, TF 2.x",
     [](LogSoftmax& s) { s = LogSoftmax{}; }},
}};
inline const auto& presets_of(const LogSoftmax*) { return log_softmax_presets; }

/// The rows along dim: element j of row (o, i) is at (o * extent + j) * inner + i.
struct SoftmaxLayout {
  std::int64_t outer;   ///< product of the extents before dim
  std::int64_t extent;  ///< the row length, input's extent along dim
  std::int64_t inner;   ///< product of the extents after dim: the stride of a row
};

/// Checks input (rank >= 1, every extent >= 1, fewer than 2^63 elements), dim
/// against its rank and grad_output's shape; returns the rows along dim.
inline SoftmaxLayout softmax_layout(const char* op, std::int64_t dim, const Shape& input, const Shape& grad_output) {
  const char* expected_shape = "rank >= 1, every extent >= 1, fewer than 2^63 elements";
  if (input.empty()) throw InvalidInput(op, "input.shape", shape_text(input), expected_shape);
  std::int64_t count = 1;
  for (std::int64_t extent : input) {
    if (extent < 1 || extent > std::numeric_limits<std::int64_t>::max() / count)
      throw InvalidInput(op, "input.shape", shape_text(input), expected_shape);
    count *= extent;
  }
  const auto rank = static_cast<std::int64_t>(input.size());
  if (dim < -rank || dim >= rank)
    throw InvalidInput(op, "dim", std::to_string(dim),
                       "an integer in [" + std::to_string(-rank) + ", " + std::to_string(rank) +
                           ") for input of rank " + std::to_string(rank));
  require_shape(op, "grad_output", grad_output, input);
  const std::int64_t axis = dim < 0 ? dim + rank : dim;
  SoftmaxLayout out{1, input[static_cast<std::size_t>(axis)], 1};
  for (std::int64_t a = 0; a < rank; ++a) {
    if (a < axis) out.outer *= input[static_cast<std::size_t>(a)];
    if (a > axis) out.inner *= input[static_cast<std::size_t>(a)];
  }
  return out;
}

/// The value checks: every input and cotangent finite (NaN included in the refusal).
template <class V, class Text>
void check_softmax_values(const char* op, std::span<const V> input, std::span<const V> grad_output,
                          const Text& text) {
  require_values_in(op, "input", input, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "grad_output", grad_output, -largest_double, largest_double, "a finite number", text);
}

}  // namespace gradref::spec
