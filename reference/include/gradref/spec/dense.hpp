#pragma once
// Dense (fully connected) layer on a batch x [N, in], forward and backward:
//   s = x W^T + b                       (output [N, out])
//   grad_input  = g W                   ([N, in], d(sum g * s) / d x)
//   grad_weight = g^T x                 (W's layout, d(sum g * s) / d W)
//   grad_bias   = sum over n of g[n, :] ([out], d(sum g * s) / d b)
// for a cotangent g = grad_output [N, out]. W is stored [out, in] (PyTorch,
// ONNX Gemm with transB = 1, the textbook W x + b) or [in, out] (Keras, flax), as
// `weight_layout` says; grad_weight has W's layout. The bias is optional.
#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

enum class WeightLayout { out_in, in_out };

inline constexpr std::array<Alternative<WeightLayout>, 2> weight_layout_alternatives{{
    {"out_in", WeightLayout::out_in},
    {"in_out", WeightLayout::in_out},
}};

struct Dense {
  static constexpr const char* op = "dense";

  bool bias = true;
  WeightLayout weight_layout = WeightLayout::out_in;

  template <class V>
  void describe(V& v) {
    v.flag("bias", bias, "an additive bias b [out] (input `bias`, output `grad_bias`); false: s = x W^T");
    v.choice("weight_layout", weight_layout, weight_layout_alternatives,
             "out_in: W [out, in], s = x W^T (PyTorch nn.Linear, ONNX Gemm transB=1, textbook W x); in_out: "
             "W [in, out], s = x W (Keras Dense and flax Dense kernels)");
  }
};

inline void validate(const Dense&) {}

inline constexpr std::array<Preset<Dense>, 5> dense_presets{{
    {"pytorch",
     "torch/nn/modules/linear.py Linear (weight [out_features, in_features], bias=True, F.linear = x W^T + b), "
     "PyTorch 2.x",
     [](Dense& s) { s = Dense{}; }},
    {"keras",
     "keras/src/layers/core/dense.py Dense (kernel [input_dim, units], use_bias=True, matmul(x, kernel) + bias), "
     "Keras 3",
     [](Dense& s) {
       s = Dense{};
       s.weight_layout = WeightLayout::in_out;
     }},
    {"flax",
     "flax/linen/linear.py Dense (kernel [in, features], use_bias=True, dot_general(x, kernel) + bias); "
     "flax/nnx/nn/linear.py Linear likewise",
     [](Dense& s) {
       s = Dense{};
       s.weight_layout = WeightLayout::in_out;
     }},
    {"onnx",
     "ONNX Gemm (opset 13): Y = alpha A B' + beta C with transB = 1, alpha = beta = 1, as torch.onnx exports "
     "nn.Linear (transB = 0 is weight_layout in_out)",
     [](Dense& s) { s = Dense{}; }},
    {"textbook",
     "Goodfellow, Bengio, Courville, Deep Learning (2016), sec. 6.5.4, algorithms 6.3 and 6.4: s = W x + b, "
     "W [out, in], one example per column (here one per row of x)",
     [](Dense& s) { s = Dense{}; }},
}};
inline const auto& presets_of(const Dense*) { return dense_presets; }

/// Sizes of an affine map on a batch: N rows of `in` features to `out` features.
struct AffineDims {
  std::int64_t batch;
  std::int64_t in;
  std::int64_t out;
};

/// The shape of W for `in` inputs and `out` outputs in `layout`.
inline Shape weight_shape(WeightLayout layout, std::int64_t in, std::int64_t out) {
  return layout == WeightLayout::out_in ? Shape{out, in} : Shape{in, out};
}

/// Checks a weight for inputs of `in` features (`field` names it: weight, weight_2,
/// ...) and returns its `out`.
inline std::int64_t checked_weight_out(const char* op, const std::string& field, WeightLayout layout,
                                       const Shape& weight, std::int64_t in) {
  const bool out_in = layout == WeightLayout::out_in;
  if (weight.size() != 2 || weight[out_in ? 1 : 0] != in || weight[out_in ? 0 : 1] < 1)
    throw InvalidInput(op, field + ".shape", shape_text(weight),
                       std::string(out_in ? "[out, " + std::to_string(in) + "]" : "[" + std::to_string(in) + ", out]") +
                           " with out >= 1 (weight_layout " + (out_in ? "out_in" : "in_out") + ")");
  return weight[out_in ? 0 : 1];
}

/// Checks that a bias is present exactly when `with_bias`, and of shape [out].
inline void check_bias(const char* op, const std::string& field, bool with_bias, const Shape* bias,
                       std::int64_t out) {
  if (with_bias && !bias)
    throw InvalidInput(op, "inputs." + field, "missing", "an array [" + std::to_string(out) + "] (spec.bias is true)");
  if (!with_bias && bias)
    throw InvalidInput(op, "inputs." + field, "given", "no bias: spec.bias is false");
  if (bias && *bias != Shape{out})
    throw InvalidInput(op, field + ".shape", shape_text(*bias), "shape [" + std::to_string(out) + "]");
}

/// Checks a batch x [N, in] with N, in >= 1; returns {N, in, 0}.
inline AffineDims checked_batch(const char* op, const std::string& field, const Shape& x) {
  if (x.size() != 2 || x[0] < 1 || x[1] < 1)
    throw InvalidInput(op, field + ".shape", shape_text(x), "[N, in] with N >= 1 and in >= 1");
  return {x[0], x[1], 0};
}

/// The shape checks of dense (the reference and the fast kernel call it); `bias`
/// is null when the input is absent.
inline AffineDims dense_dims(const Dense& s, const Shape& input, const Shape& weight, const Shape* bias,
                             const Shape& grad_output) {
  validate(s);
  AffineDims d = checked_batch(Dense::op, "input", input);
  d.out = checked_weight_out(Dense::op, "weight", s.weight_layout, weight, d.in);
  check_bias(Dense::op, "bias", s.bias, bias, d.out);
  require_shape(Dense::op, "grad_output", grad_output, Shape{d.batch, d.out});
  return d;
}

/// Throws InvalidInput(op, "<name>[i]", ...) for the first value that is not finite
/// (float, double, or the reference's scalars, whose comparisons are exact); `text`
/// formats a value for the message.
template <class V, class Text>
void require_finite_values(const char* op, const std::string& name, std::span<const V> values, const Text& text) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!(values[i] - values[i] == V(0.0)))  // inf - inf and NaN - NaN are NaN
      throw InvalidInput(op, name + "[" + std::to_string(i) + "]", text(values[i]), "a finite number");
}

/// The value checks of dense: every input finite.
template <class V, class Text>
void check_dense_values(std::span<const V> input, std::span<const V> weight, std::span<const V> bias,
                        std::span<const V> grad_output, const Text& text) {
  require_finite_values(Dense::op, "input", input, text);
  require_finite_values(Dense::op, "weight", weight, text);
  require_finite_values(Dense::op, "bias", bias, text);
  require_finite_values(Dense::op, "grad_output", grad_output, text);
}

}  // namespace gradref::spec
