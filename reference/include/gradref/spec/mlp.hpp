#pragma once
// Multilayer perceptron of L dense layers on a batch x^(0) [N, n_0], forward and
// backward, with a loss on top:
//   s^(l) = x^(l-1) W^(l)T + b^(l),  x^(l) = sigma_l(s^(l))     l = 1..L
// with sigma_l = `activation` for l < L and `output_activation` for l = L, then
// L = loss(x^(L), target), or a given cotangent dL/dx^(L) when loss is none. The
// backward pass (Rumelhart, Hinton, Williams 1986; Goodfellow et al. 2016, alg. 6.4):
//   dL/ds^(l)     = dL/dx^(l) * sigma_l'(s^(l))      (elementwise)
//   dL/dW^(l)     = dL/ds^(l)T x^(l-1)               (in W's layout)
//   dL/db^(l)     = sum over the batch of dL/ds^(l)
//   dL/dx^(l-1)   = dL/ds^(l) W^(l)
// W^(l) is [n_l, n_(l-1)] (weight_layout out_in) or [n_(l-1), n_l] (in_out), as in dense.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gradref/spec/activation.hpp"
#include "gradref/spec/dense.hpp"
#include "gradref/spec/reduction.hpp"

namespace gradref::spec {

/// The loss on top of the network; each is the project's loss op of that name with
/// its PyTorch defaults and the MLP's `reduction`.
enum class MlpLoss { none, mse, l1, bce_with_logits, cross_entropy };

inline constexpr std::array<Alternative<MlpLoss>, 5> mlp_loss_alternatives{{
    {"none", MlpLoss::none},
    {"mse", MlpLoss::mse},
    {"l1", MlpLoss::l1},
    {"bce_with_logits", MlpLoss::bce_with_logits},
    {"cross_entropy", MlpLoss::cross_entropy},
}};

struct Mlp {
  static constexpr const char* op = "mlp";

  std::int64_t layers = 2;
  ActivationFunction activation = ActivationFunction::relu;
  ActivationFunction output_activation = ActivationFunction::identity;
  double negative_slope = 0.01;
  bool use_threshold = true;
  bool bias = true;
  WeightLayout weight_layout = WeightLayout::out_in;
  MlpLoss loss = MlpLoss::mse;
  Reduction reduction = Reduction::mean;

  template <class V>
  void describe(V& v) {
    v.integer("layers", layers, "L >= 1 dense layers: inputs weight_1..weight_L (and bias_1..bias_L)");
    v.choice("activation", activation, activation_function_alternatives,
             "sigma of the hidden layers 1..L-1 (the activation op's functions; softplus with beta 1, threshold 20; "
             "relu and leaky_relu take the left slope at 0)");
    v.choice("output_activation", output_activation, activation_function_alternatives,
             "sigma of layer L (identity for logits fed to bce_with_logits or cross_entropy)");
    v.number("negative_slope", negative_slope, "leaky_relu's slope for x < 0; finite");
    v.flag("use_threshold", use_threshold, "softplus reverts to x above 20 (PyTorch); false: never (JAX, Keras)");
    v.flag("bias", bias, "every layer adds a bias b^(l) [n_l] (inputs bias_1..bias_L, outputs grad_bias_<l>)");
    v.choice("weight_layout", weight_layout, weight_layout_alternatives,
             "out_in: W^(l) [n_l, n_(l-1)] (PyTorch nn.Linear); in_out: [n_(l-1), n_l] (Keras, flax kernels)");
    v.choice("loss", loss, mlp_loss_alternatives,
             "the loss on x^(L) with input `target` (mse, l1, bce_with_logits: [N, n_L]; cross_entropy: [N] class "
             "indices, x^(L) the logits); none: input `cotangent` [N, n_L] = dL/dx^(L), no `loss` output");
    v.choice("reduction", reduction, reduction_alternatives,
             "the loss's reduction: mean (over the elements; cross_entropy: over the N rows), sum, none (the "
             "gradients are then those of the summed losses)");
  }
};

inline constexpr std::int64_t max_mlp_layers = 64;

inline void validate(const Mlp& s) {
  require(s.layers >= 1 && s.layers <= max_mlp_layers, Mlp::op, "layers", std::to_string(s.layers),
          "an integer in [1, 64]");
  require(std::isfinite(s.negative_slope), Mlp::op, "negative_slope", format_double(s.negative_slope),
          "a finite number");
}

/// The activation op's spec for a function of the MLP.
inline Activation activation_of(const Mlp& s, ActivationFunction f) {
  Activation a;
  a.function = f;
  a.negative_slope = s.negative_slope;
  a.use_threshold = s.use_threshold;
  return a;
}
/// sigma_l for layer l in 1..L.
inline Activation layer_activation(const Mlp& s, std::int64_t l) {
  return activation_of(s, l == s.layers ? s.output_activation : s.activation);
}

inline constexpr std::array<Preset<Mlp>, 4> mlp_presets{{
    {"pytorch",
     "torch/nn/modules/linear.py Linear (weight [out, in], bias) stacked in nn.Sequential with torch.nn activations "
     "(LeakyReLU negative_slope=0.01, Softplus threshold=20) and torch.nn.functional losses (reduction mean)",
     [](Mlp& s) { s = Mlp{}; }},
    {"keras",
     "keras/src/layers/core/dense.py Dense (kernel [input_dim, units], use_bias=True) in a Sequential model; "
     "keras/src/activations/activations.py (leaky_relu negative_slope=0.2, softplus without threshold)",
     [](Mlp& s) {
       s = Mlp{};
       s.weight_layout = WeightLayout::in_out;
       s.negative_slope = 0.2;
       s.use_threshold = false;
     }},
    {"flax",
     "flax/linen/linear.py Dense (kernel [in, features], use_bias=True) with jax/_src/nn/functions.py activations "
     "(leaky_relu negative_slope=1e-2, softplus = logaddexp(x, 0))",
     [](Mlp& s) {
       s = Mlp{};
       s.weight_layout = WeightLayout::in_out;
       s.use_threshold = false;
     }},
    {"textbook",
     "Goodfellow, Bengio, Courville, Deep Learning (2016), sec. 6.5.4, algorithms 6.3 (forward) and 6.4 "
     "(backward): h^(k) = f(W^(k) h^(k-1) + b^(k)), W [out, in]",
     [](Mlp& s) { s = Mlp{}; }},
}};
inline const auto& presets_of(const Mlp*) { return mlp_presets; }

/// The input ports of an MLP by name; null where absent. weights[l - 1] is W^(l).
struct MlpShapes {
  const Shape* input = nullptr;
  std::vector<const Shape*> weights;
  std::vector<const Shape*> biases;
  const Shape* target = nullptr;
  const Shape* cotangent = nullptr;
};

inline std::string layer_name(const char* family, std::int64_t l) { return family + std::to_string(l); }

/// Checks every shape; returns the widths n_0..n_L.
inline std::vector<std::int64_t> mlp_widths(const Mlp& s, const MlpShapes& in) {
  validate(s);
  const char* op = Mlp::op;
  if (!in.input) throw InvalidInput(op, "inputs.input", "missing", "an array [N, n_0]");
  const AffineDims d0 = checked_batch(op, "input", *in.input);
  std::vector<std::int64_t> widths{d0.in};
  const auto at = [](const std::vector<const Shape*>& v, std::int64_t l) {
    return static_cast<std::size_t>(l - 1) < v.size() ? v[static_cast<std::size_t>(l - 1)] : nullptr;
  };
  for (std::int64_t l = 1; l <= s.layers; ++l) {
    const std::string weight = layer_name("weight_", l);
    const Shape* w = at(in.weights, l);
    if (!w)
      throw InvalidInput(op, "inputs." + weight, "missing",
                         "an array for layer " + std::to_string(l) + " of layers = " + std::to_string(s.layers));
    widths.push_back(checked_weight_out(op, weight, s.weight_layout, *w, widths.back()));
    check_bias(op, layer_name("bias_", l), s.bias, at(in.biases, l), widths.back());
  }
  const std::int64_t n = d0.batch, out = widths.back();
  if (s.loss == MlpLoss::none) {
    if (in.target) throw InvalidInput(op, "inputs.target", "given", "no target: loss is none (give a cotangent)");
    if (!in.cotangent)
      throw InvalidInput(op, "inputs.cotangent", "missing", "an array [N, n_L] = dL/dx^(L) (loss is none)");
    require_shape(op, "cotangent", *in.cotangent, Shape{n, out});
  } else {
    if (in.cotangent) throw InvalidInput(op, "inputs.cotangent", "given", "no cotangent: the loss gives dL/dx^(L)");
    if (!in.target) throw InvalidInput(op, "inputs.target", "missing", "the loss's target");
    require_shape(op, "target", *in.target, s.loss == MlpLoss::cross_entropy ? Shape{n} : Shape{n, out});
  }
  return widths;
}

/// The value checks: every input finite; cross_entropy's targets class indices in [0, n_L).
template <class V, class Text>
void check_mlp_values(const Mlp& s, std::int64_t classes, std::span<const V> input,
                      const std::vector<std::span<const V>>& weights, const std::vector<std::span<const V>>& biases,
                      std::span<const V> target, std::span<const V> cotangent, const Text& text) {
  const char* op = Mlp::op;
  require_finite_values(op, "input", input, text);
  for (std::size_t l = 0; l < weights.size(); ++l)
    require_finite_values(op, layer_name("weight_", static_cast<std::int64_t>(l + 1)), weights[l], text);
  for (std::size_t l = 0; l < biases.size(); ++l)
    require_finite_values(op, layer_name("bias_", static_cast<std::int64_t>(l + 1)), biases[l], text);
  require_finite_values(op, "cotangent", cotangent, text);
  if (s.loss != MlpLoss::cross_entropy) {
    require_finite_values(op, "target", target, text);
    return;
  }
  for (std::size_t i = 0; i < target.size(); ++i) {
    bool is_class = false;
    for (std::int64_t c = 0; c < classes && !is_class; ++c) is_class = target[i] == V(static_cast<double>(c));
    if (!is_class)
      throw InvalidInput(op, "target[" + std::to_string(i) + "]", text(target[i]),
                         "a class index in [0, " + std::to_string(classes) + ")");
  }
}

}  // namespace gradref::spec
