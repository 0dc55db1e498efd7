// Catalog entry for the multilayer perceptron: forward, loss, backward.
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <utility>

#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/layers/activation.hpp"
#include "gradref/fast/layers/mlp.hpp"
#include "gradref/fast/losses/bce_with_logits.hpp"
#include "gradref/fast/losses/cross_entropy.hpp"
#include "gradref/fast/losses/l1.hpp"
#include "gradref/fast/losses/mse.hpp"
#include "gradref/reference/layers/mlp.hpp"
#include "layer_support.hpp"
#include "run_in_dtype.hpp"

namespace gradref::catalog {
namespace {

using spec::ActivationFunction;
using spec::Mlp;
using spec::MlpLoss;
using spec::WeightLayout;

Mlp spec_of(const Case& c) { return spec_from_json<Mlp>(c.spec, ""); }

std::string weight_name(std::int64_t l) { return spec::layer_name("weight_", l); }
std::string bias_name(std::int64_t l) { return spec::layer_name("bias_", l); }

/// Refuses inputs the spec does not use: weight_k or bias_k beyond layers (the
/// shapes check refuses a missing one, and a bias without spec.bias).
void check_input_names(const Case& c, const Mlp& s) {
  for (const auto& [name, array] : c.inputs) {
    if (name == "input" || name == "target" || name == "cotangent") continue;
    for (const char* family : {"weight_", "bias_"}) {
      const std::string prefix = family;
      if (name.compare(0, prefix.size(), prefix) != 0) continue;
      const std::string digits = name.substr(prefix.size());
      const std::int64_t l = digits.empty() || digits.size() > 9 ? 0 : std::stoll(digits);
      if (l > s.layers)
        throw InvalidInput(Mlp::op, "inputs." + name, "given",
                           prefix + "1.." + prefix + std::to_string(s.layers) + " only (layers = " +
                               std::to_string(s.layers) + ")");
    }
  }
}

const Array<Real>* find_input(const Case& c, const std::string& name) {
  auto it = c.inputs.find(name);
  return it == c.inputs.end() ? nullptr : &it->second;
}

/// The case's inputs converted by `convert` (Real -> Real or Tracked), kept alive here.
template <class T>
struct Converted {
  std::map<std::string, Array<T>> arrays;
  reference::MlpInputs<T> inputs;

  template <class F>
  Converted(const Case& c, const Mlp& s, const F& convert) {
    check_input_names(c, s);
    for (const auto& [name, a] : c.inputs) arrays.emplace(name, convert(a));
    const auto get = [this](const std::string& name) -> const Array<T>* {
      auto it = arrays.find(name);
      return it == arrays.end() ? nullptr : &it->second;
    };
    inputs.input = &arrays.at("input");
    for (std::int64_t l = 1; l <= s.layers; ++l) {
      inputs.weights.push_back(get(weight_name(l)));
      inputs.biases.push_back(get(bias_name(l)));
    }
    inputs.target = get("target");
    inputs.cotangent = get("cotangent");
  }
};

template <class T, class Out>
NamedArrays<Out> named(reference::MlpResult<T> r, Array<Out> (*part)(const Array<T>&)) {
  NamedArrays<Out> out;
  if (r.has_loss) out.emplace("loss", part(r.loss));
  const auto layers = static_cast<std::int64_t>(r.activation.size());
  for (std::int64_t l = 1; l <= layers; ++l) {
    const auto k = static_cast<std::size_t>(l - 1);
    out.emplace(spec::layer_name("pre_activation_", l), part(r.pre_activation[k]));
    out.emplace(spec::layer_name("activation_", l), part(r.activation[k]));
    out.emplace(spec::layer_name("grad_weight_", l), part(r.grad_weight[k]));
    if (r.grad_bias[k].size() > 0) out.emplace(spec::layer_name("grad_bias_", l), part(r.grad_bias[k]));
  }
  out.emplace("output", part(r.activation.back()));
  out.emplace("grad_input", part(r.grad_input));
  return out;
}

NamedArrays<Real> run_reference(const Case& c) {
  const Mlp s = spec_of(c);
  input(c, "input");
  const Converted<Real> in(c, s, [](const Array<Real>& a) { return a; });
  return named<Real, Real>(reference::mlp(s, in.inputs), [](const Array<Real>& a) { return a; });
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(layers::blas_rounding_model());
  const Mlp s = spec_of(c);
  input(c, "input");
  const Converted<Tracked> in(c, s, [dtype](const Array<Real>& a) { return tracked(a, dtype); });
  return named<Tracked, Real>(reference::mlp(s, in.inputs), errors_of);
}

/// Every buffer of one run in T.
template <class T>
struct Buffers {
  std::map<std::string, std::vector<T>> in;
  std::vector<T> loss, grad_input;
  std::vector<std::vector<T>> pre, act, gw, gb;
  spec::MlpShapes shapes;
  std::vector<std::int64_t> widths;
  std::int64_t n = 0;
  Shape loss_shape;

  Buffers(const Case& c, const Mlp& s) {
    check_input_names(c, s);
    for (const auto& [name, a] : c.inputs) in.emplace(name, exact_values<T>(a, Mlp::op, name));
    shapes.input = &input(c, "input").shape();
    for (std::int64_t l = 1; l <= s.layers; ++l) {
      const Array<Real>* w = find_input(c, weight_name(l));
      const Array<Real>* b = find_input(c, bias_name(l));
      shapes.weights.push_back(w ? &w->shape() : nullptr);
      shapes.biases.push_back(b ? &b->shape() : nullptr);
    }
    const Array<Real>* t = find_input(c, "target");
    const Array<Real>* g = find_input(c, "cotangent");
    shapes.target = t ? &t->shape() : nullptr;
    shapes.cotangent = g ? &g->shape() : nullptr;
    widths = spec::mlp_widths(s, shapes);
    n = (*shapes.input)[0];
    const std::int64_t out = widths.back();
    if (s.loss != MlpLoss::none) {
      const bool per_row = s.loss == MlpLoss::cross_entropy;
      loss_shape = s.reduction != spec::Reduction::none ? Shape{} : per_row ? Shape{n} : Shape{n, out};
      loss.resize(static_cast<std::size_t>(element_count(loss_shape)));
    }
    for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
      pre.emplace_back(static_cast<std::size_t>(n * widths[l + 1]));
      act.emplace_back(pre.back().size());
      gw.emplace_back(static_cast<std::size_t>(widths[l] * widths[l + 1]));
      gb.emplace_back(s.bias ? static_cast<std::size_t>(widths[l + 1]) : 0);
    }
    grad_input.resize(static_cast<std::size_t>(n * widths[0]));
  }

  std::span<const T> get(const std::string& name) const {
    auto it = in.find(name);
    return it == in.end() ? std::span<const T>() : std::span<const T>(it->second);
  }

  NamedArrays<double> named(const Mlp& s) const {
    NamedArrays<double> out;
    if (s.loss != MlpLoss::none) out.emplace("loss", widened<T>(loss_shape, loss));
    for (std::size_t l = 0; l < pre.size(); ++l) {
      const auto k = static_cast<std::int64_t>(l + 1);
      const Shape rows{n, widths[l + 1]};
      out.emplace(spec::layer_name("pre_activation_", k), widened<T>(rows, pre[l]));
      out.emplace(spec::layer_name("activation_", k), widened<T>(rows, act[l]));
      out.emplace(spec::layer_name("grad_weight_", k),
                  widened<T>(spec::weight_shape(s.weight_layout, widths[l], widths[l + 1]), gw[l]));
      if (s.bias) out.emplace(spec::layer_name("grad_bias_", k), widened<T>({widths[l + 1]}, gb[l]));
    }
    out.emplace("output", widened<T>({n, widths.back()}, act.back()));
    out.emplace("grad_input", widened<T>({n, widths[0]}, grad_input));
    return out;
  }
};

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    const Mlp s = spec_of(c);
    input(c, "input");
    Buffers<T> b(c, s);
    fast::MlpBuffers<T> io;
    io.input = b.get("input");
    for (std::int64_t l = 1; l <= s.layers; ++l) {
      const auto k = static_cast<std::size_t>(l - 1);
      io.weights.push_back(b.get(weight_name(l)));
      if (s.bias) io.biases.push_back(b.get(bias_name(l)));
      io.pre_activation.push_back(b.pre[k]);
      io.activation.push_back(b.act[k]);
      io.grad_weight.push_back(b.gw[k]);
      if (s.bias) io.grad_bias.push_back(b.gb[k]);
    }
    io.target = b.get("target");
    io.cotangent = b.get("cotangent");
    io.loss = b.loss;
    io.grad_input = b.grad_input;
    fast::mlp<T>(s, b.shapes, io);
    return b.named(s);
  });
}

// ---------------------------------------------------------------------------------
// Generators

/// Which cases a generator draws.
struct Draw {
  bool moderate = false;                  ///< small, ordinary values, away from kinks: the finite differences
  std::vector<ActivationFunction> hidden = {};  ///< the hidden activations drawn from (empty: any)
  std::vector<ActivationFunction> output = {};  ///< the output activations drawn from (empty: mostly identity)
  bool bias = false;                      ///< bias on and N >= 2
  bool several_layers = false;            ///< L >= 2
};

constexpr std::array<ActivationFunction, 7> all_functions{
    ActivationFunction::identity, ActivationFunction::relu,     ActivationFunction::leaky_relu,
    ActivationFunction::tanh,     ActivationFunction::sigmoid,  ActivationFunction::softplus,
    ActivationFunction::gelu};

ActivationFunction pick(const std::vector<ActivationFunction>& from) {
  return from[static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, from.size()))];
}

/// Pre-activations as doubles, to keep derivative cases away from the kinks of relu,
/// leaky_relu (0) and thresholded softplus (20), where finite differences straddle
/// the kink. Only the moderate draw needs it; the error model covers kinks exactly.
bool far_from_kinks(const Case& c) {
  const Mlp s = spec_of(c);
  const Array<Real>& x0 = c.inputs.at("input");
  const std::int64_t n = x0.extent(0);
  std::vector<double> x;
  for (const Real& v : x0.values()) x.push_back(static_cast<double>(v));
  std::int64_t in = x0.extent(1);
  for (std::int64_t l = 1; l <= s.layers; ++l) {
    const Array<Real>& w = c.inputs.at(weight_name(l));
    const std::int64_t out = s.weight_layout == WeightLayout::out_in ? w.extent(0) : w.extent(1);
    const spec::Activation sigma = spec::layer_activation(s, l);
    std::vector<double> next(static_cast<std::size_t>(n * out));
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t o = 0; o < out; ++o) {
        double acc = s.bias ? static_cast<double>(c.inputs.at(bias_name(l))[o]) : 0.0;
        for (std::int64_t i = 0; i < in; ++i)
          acc += x[static_cast<std::size_t>(r * in + i)] *
                 static_cast<double>(w[s.weight_layout == WeightLayout::out_in ? o * in + i : i * out + o]);
        const bool kinked = sigma.function == ActivationFunction::relu || sigma.function == ActivationFunction::leaky_relu;
        if (kinked && std::abs(acc) < 1e-6) return false;
        if (sigma.function == ActivationFunction::softplus && sigma.use_threshold && std::abs(acc - 20) < 1e-6)
          return false;
        double y = acc;
        switch (sigma.function) {
          case ActivationFunction::identity: break;
          case ActivationFunction::relu: y = std::max(acc, 0.0); break;
          case ActivationFunction::leaky_relu: y = acc > 0 ? acc : acc * sigma.negative_slope; break;
          case ActivationFunction::tanh: y = std::tanh(acc); break;
          case ActivationFunction::sigmoid: y = 1 / (1 + std::exp(-acc)); break;
          case ActivationFunction::softplus: y = std::log1p(std::exp(acc)); break;
          case ActivationFunction::gelu: y = 0.5 * acc * (1 + std::erf(acc / std::sqrt(2.0))); break;
        }
        next[static_cast<std::size_t>(r * out + o)] = y;
      }
    x = std::move(next);
    in = out;
  }
  return true;
}

/// Ordinary values to 1 mixed with zeros, subnormals, tiny values and values up to 4.
rc::Gen<double> hard_values(Dtype dtype) {
  return rc::gen::weightedOneOf<double>({
      {12, gen::ordinary(dtype, -2, 0)},
      {2, rc::gen::just(0.0)},
      {1, rc::gen::map(rc::gen::inRange(1, 1000), [dtype](int k) { return gen::subnormal(dtype, k); })},
      {1, rc::gen::map(rc::gen::inRange(1, 1000), [dtype](int k) { return -gen::subnormal(dtype, k); })},
      {1, gen::ordinary(dtype, -30, -20)},
      {1, rc::gen::map(rc::gen::inRange(-1000, 1001), [dtype](int k) { return gen::in_dtype(k / 250.0, dtype); })},
  });
}

rc::Gen<Case> cases(Dtype dtype, Draw draw) {
  const auto gen = rc::gen::exec([=] {
    Mlp s;
    s.layers = *rc::gen::weightedOneOf<std::int64_t>({{2, rc::gen::just<std::int64_t>(1)},
                                                      {5, rc::gen::just<std::int64_t>(2)},
                                                      {2, rc::gen::just<std::int64_t>(3)}});
    if (draw.several_layers) s.layers = std::max<std::int64_t>(s.layers, 2);
    s.activation = draw.hidden.empty() ? *rc::gen::elementOf(all_functions) : pick(draw.hidden);
    s.output_activation = !draw.output.empty() ? pick(draw.output)
                          : *rc::gen::inRange(0, 4) == 0 ? *rc::gen::elementOf(all_functions)
                                                          : ActivationFunction::identity;
    s.negative_slope = *rc::gen::elementOf(std::vector<double>{0.01, 0.2, 0.3});
    s.use_threshold = *rc::gen::arbitrary<bool>();
    s.bias = draw.bias || *rc::gen::inRange(0, 4) != 0;
    s.weight_layout = *rc::gen::arbitrary<bool>() ? WeightLayout::out_in : WeightLayout::in_out;
    s.loss = *rc::gen::elementOf(std::vector<MlpLoss>{MlpLoss::none, MlpLoss::mse, MlpLoss::l1,
                                                      MlpLoss::bce_with_logits, MlpLoss::cross_entropy});
    s.reduction = *rc::gen::elementOf(std::vector<spec::Reduction>{spec::Reduction::mean, spec::Reduction::sum,
                                                                   spec::Reduction::none});
    // Mostly 1 to 4 rows and units; sometimes 65 to 70 rows (two gemm blocks) or a
    // wide first layer (dot products of 40 to 80 terms).
    const int shape_kind = draw.moderate ? 0 : *rc::gen::weightedOneOf<int>({{6, rc::gen::just(0)},
                                                                            {1, rc::gen::just(1)},
                                                                            {1, rc::gen::just(2)}});
    std::int64_t n = shape_kind == 1 ? *rc::gen::inRange<std::int64_t>(65, 71) : *rc::gen::inRange<std::int64_t>(1, 5);
    if (draw.bias) n = std::max<std::int64_t>(n, 2);
    std::vector<std::int64_t> widths{shape_kind == 2 ? *rc::gen::inRange<std::int64_t>(40, 81)
                                                     : *rc::gen::inRange<std::int64_t>(1, 5)};
    for (std::int64_t l = 0; l < s.layers; ++l) widths.push_back(*rc::gen::inRange<std::int64_t>(1, 5));
    // Values: ordinary, or (one case in six, not for derivatives) zeros, subnormals
    // and tiny values mixed in, magnitudes up to 4. Larger ones are left to dense: the
    // error model of gelu's x Phi(x) grows like |x| ulp(1) at large negative x (1 +
    // erf(x) cancels), and a few layers of it make the bound of a sigmoid or a loss
    // on top infinite, which says nothing about the kernel.
    const bool hard = !draw.moderate && *rc::gen::inRange(0, 6) == 0;
    const rc::Gen<double> value = draw.moderate ? gen::ordinary(dtype, -1, 0)
                                  : hard        ? hard_values(dtype)
                                                : gen::ordinary(dtype, -2, 0);
    Case c{Mlp::op, spec_to_json(s), {}};
    c.inputs.emplace("input", gen::real_array({n, widths[0]}, *gen::values(n * widths[0], value)));
    for (std::int64_t l = 1; l <= s.layers; ++l) {
      const auto k = static_cast<std::size_t>(l);
      const std::int64_t in = widths[k - 1], out = widths[k];
      c.inputs.emplace(weight_name(l),
                       gen::real_array(spec::weight_shape(s.weight_layout, in, out), *gen::values(in * out, value)));
      if (s.bias) c.inputs.emplace(bias_name(l), gen::real_array({out}, *gen::values(out, value)));
    }
    const std::int64_t out = widths.back();
    switch (s.loss) {
      case MlpLoss::none:
        c.inputs.emplace("cotangent", gen::real_array({n, out}, *gen::values(n * out, gen::ordinary(dtype, -1, 0))));
        break;
      case MlpLoss::mse:
      case MlpLoss::l1:
        c.inputs.emplace("target", gen::real_array({n, out}, *gen::values(n * out, gen::ordinary(dtype, -1, 0))));
        break;
      case MlpLoss::bce_with_logits:
        c.inputs.emplace("target", gen::real_array({n, out}, *gen::values(n * out, rc::gen::map(rc::gen::inRange(0, 9),
                                                                                                [](int k) { return k / 8.0; }))));
        break;
      case MlpLoss::cross_entropy:
        c.inputs.emplace("target", gen::real_array({n}, *gen::values(n, rc::gen::map(rc::gen::inRange<std::int64_t>(0, out),
                                                                                      [](std::int64_t k) {
                                                                                        return static_cast<double>(k);
                                                                                      }))));
        break;
    }
    return c;
  });
  if (!draw.moderate) return gen;
  return rc::gen::suchThat(gen, far_from_kinks);
}

rc::Gen<Case> generate(Dtype dtype) { return cases(dtype, {}); }
rc::Gen<Case> generate_moderate(Dtype dtype) { return cases(dtype, {.moderate = true}); }
rc::Gen<Case> generate_bias_batch(Dtype dtype) { return cases(dtype, {.bias = true}); }
rc::Gen<Case> generate_curved_hidden(Dtype dtype) {
  return cases(dtype, {.hidden = {ActivationFunction::tanh, ActivationFunction::sigmoid, ActivationFunction::gelu,
                                  ActivationFunction::softplus},
                       .several_layers = true});
}
rc::Gen<Case> generate_curved_output(Dtype dtype) {
  return cases(dtype, {.output = {ActivationFunction::tanh, ActivationFunction::sigmoid, ActivationFunction::softplus}});
}
rc::Gen<Case> generate_relu_hidden(Dtype dtype) {
  return cases(dtype, {.hidden = {ActivationFunction::relu, ActivationFunction::leaky_relu}, .several_layers = true});
}

// ---------------------------------------------------------------------------------
// Invalid inputs

Case base_case() {
  Mlp s;
  Case c{Mlp::op, spec_to_json(s), {}};
  c.inputs.emplace("input", gen::real_array({2, 3}, {1, 2, 3, -1, 0.5, 0}));
  c.inputs.emplace("weight_1", gen::real_array({2, 3}, {0.5, -1, 2, 1, 1, -0.25}));
  c.inputs.emplace("bias_1", gen::real_array({2}, {0.125, -1}));
  c.inputs.emplace("weight_2", gen::real_array({1, 2}, {1, -0.5}));
  c.inputs.emplace("bias_2", gen::real_array({1}, {0.25}));
  c.inputs.emplace("target", gen::real_array({2, 1}, {1, -1}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  std::vector<InvalidCase> out;
  const auto with_input = [](const char* name, const Shape& shape, const std::vector<double>& values) {
    Case c = base_case();
    c.inputs.insert_or_assign(name, gen::real_array(shape, values));
    return c;
  };
  const auto with_spec = [](auto edit) {
    Case c = base_case();
    Mlp s;
    edit(s);
    c.spec = spec_to_json(s);
    return c;
  };
  const auto without = [](const char* name) {
    Case c = base_case();
    c.inputs.erase(name);
    return c;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  out.push_back({"input of rank 1", with_input("input", {3}, {1, 2, 3}), "input.shape"});
  out.push_back({"weight_2 missing for layers = 2", without("weight_2"), "inputs.weight_2"});
  out.push_back({"weight_3 given for layers = 2", with_input("weight_3", {1, 1}, {1}), "inputs.weight_3"});
  out.push_back({"weight_1 [2, 4] for 3 input features", with_input("weight_1", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}),
                 "weight_1.shape"});
  out.push_back({"weight_2 [1, 3] after a layer of 2 units", with_input("weight_2", {1, 3}, {1, 2, 3}), "weight_2.shape"});
  out.push_back({"bias_2 missing while spec.bias is true", without("bias_2"), "inputs.bias_2"});
  out.push_back({"bias_1 [3] for 2 units", with_input("bias_1", {3}, {1, 2, 3}), "bias_1.shape"});
  out.push_back({"biases given while spec.bias is false", with_spec([](Mlp& s) { s.bias = false; }), "inputs.bias_1"});
  out.push_back({"target missing for loss mse", without("target"), "inputs.target"});
  out.push_back({"target [2, 2] for an output of 1 unit", with_input("target", {2, 2}, {1, 2, 3, 4}), "target.shape"});
  out.push_back({"target given for loss none", with_spec([](Mlp& s) { s.loss = MlpLoss::none; }), "inputs.target"});
  {
    Case c = with_spec([](Mlp& s) { s.loss = MlpLoss::none; });
    c.inputs.erase("target");
    out.push_back({"cotangent missing for loss none", c, "inputs.cotangent"});
    c.inputs.emplace("cotangent", gen::real_array({2, 2}, {1, 2, 3, 4}));
    out.push_back({"cotangent [2, 2] for an output of 1 unit", c, "cotangent.shape"});
  }
  {
    Case c = base_case();
    c.inputs.emplace("cotangent", gen::real_array({2, 1}, {1, 2}));
    out.push_back({"cotangent given with a loss", c, "inputs.cotangent"});
  }
  {
    Case c = with_spec([](Mlp& s) { s.loss = MlpLoss::cross_entropy; });
    c.inputs.insert_or_assign("target", gen::real_array({2}, {0, 1}));
    out.push_back({"class index 1 for an output of 1 unit", c, "target[1]"});
    c.inputs.insert_or_assign("target", gen::real_array({2}, {0, 0.5}));
    out.push_back({"class index 0.5", c, "target[1]"});
    c.inputs.insert_or_assign("target", gen::real_array({2, 1}, {0, 0}));
    out.push_back({"cross_entropy target [2, 1] instead of [N]", c, "target.shape"});
  }
  out.push_back({"layers = 0", with_spec([](Mlp& s) { s.layers = 0; }), "layers"});
  out.push_back({"NaN in input", with_input("input", {2, 3}, {1, nan, 3, -1, 0.5, 0}), "input[1]"});
  out.push_back({"infinite weight_2", with_input("weight_2", {1, 2}, {1, -inf}), "weight_2[1]"});
  out.push_back({"NaN bias_1", with_input("bias_1", {2}, {nan, 1}), "bias_1[0]"});
  out.push_back({"infinite target", with_input("target", {2, 1}, {inf, 1}), "target[0]"});
  return out;
}

// ---------------------------------------------------------------------------------
// Wrong variants: the plain loops a user might write, in T, each with one bug.

struct Bugs {
  bool backward_transposed_weight = false;  ///< dL/dx^(l-1) reads W^(l) in the other layout
  bool grad_weight_transposed = false;      ///< grad_weight written in the other layout
  bool grad_weight_pre_activation = false;  ///< dL/dW^(l) = g^T s^(l-1): the previous layer's pre-activation
  bool grad_bias_mean = false;              ///< bias gradients averaged over the batch
  bool derivative_at_output = false;        ///< sigma'(x^(l)) instead of sigma'(s^(l))
  bool output_derivative_skipped = false;   ///< dL/ds^(L) = dL/dx^(L): sigma_L' forgotten
};

template <class T>
std::vector<T> activate(const spec::Activation& sigma, std::int64_t n, const std::vector<T>& s,
                        const std::vector<T>& dx, std::vector<T>* g) {
  std::vector<T> y(s.size()), gx(s.size());
  const std::vector<T> zeros(s.size());
  fast::activation<T>(sigma, Shape{n}, s, dx.empty() ? zeros : dx, y, gx);
  if (g) *g = gx;
  return y;
}

template <class T>
NamedArrays<double> loops(const Case& c, const Bugs& bugs) {
  const Mlp s = spec_of(c);
  Buffers<T> b(c, s);
  const std::int64_t n = b.n;
  const auto u = [](std::int64_t k) { return static_cast<std::size_t>(k); };
  const auto L = static_cast<std::size_t>(s.layers);
  const auto at = [](bool out_in, const spec::AffineDims& d, std::int64_t o, std::int64_t i) {
    return static_cast<std::size_t>(out_in ? o * d.in + i : i * d.out + o);
  };
  const bool out_in = s.weight_layout == WeightLayout::out_in;
  const std::vector<T>& x0 = b.in.at("input");
  for (std::size_t l = 0; l < L; ++l) {
    const spec::AffineDims d{n, b.widths[l], b.widths[l + 1]};
    const std::vector<T>& x = l == 0 ? x0 : b.act[l - 1];
    const std::vector<T>& w = b.in.at(weight_name(static_cast<std::int64_t>(l + 1)));
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t o = 0; o < d.out; ++o) {
        T acc = 0;
        for (std::int64_t i = 0; i < d.in; ++i) acc += x[u(r * d.in + i)] * w[at(out_in, d, o, i)];
        b.pre[l][u(r * d.out + o)] = s.bias ? acc + b.in.at(bias_name(static_cast<std::int64_t>(l + 1)))[u(o)] : acc;
      }
    b.act[l] = activate<T>(spec::layer_activation(s, static_cast<std::int64_t>(l + 1)), element_count({n, d.out}),
                           b.pre[l], {}, nullptr);
  }
  const std::int64_t out = b.widths.back();
  std::vector<T> dx(b.act.back().size()), scratch(dx.size());
  const std::span<const T> target = b.get("target");
  switch (s.loss) {
    case MlpLoss::none: dx = b.in.at("cotangent"); break;
    case MlpLoss::mse: fast::mse<T>({.reduction = s.reduction}, b.act.back(), target, b.loss, dx, scratch); break;
    case MlpLoss::l1: fast::l1<T>({.reduction = s.reduction}, b.act.back(), target, b.loss, dx, scratch); break;
    case MlpLoss::bce_with_logits:
      fast::bce_with_logits<T>({.reduction = s.reduction}, Shape{n, out}, b.act.back(), target, {}, {}, b.loss, dx,
                               scratch);
      break;
    case MlpLoss::cross_entropy: {
      std::vector<std::int64_t> indices;
      for (T t : target) indices.push_back(static_cast<std::int64_t>(t));
      spec::CrossEntropy ce;
      ce.reduction = s.reduction;
      fast::cross_entropy<T>(ce, {b.act.back(), Shape{n, out}, indices, {}, Shape{n}, {}, false},
                             {b.loss, dx, {}});
      break;
    }
  }
  for (std::size_t l = L; l-- > 0;) {
    const spec::AffineDims d{n, b.widths[l], b.widths[l + 1]};
    const spec::Activation sigma = spec::layer_activation(s, static_cast<std::int64_t>(l + 1));
    std::vector<T> g;
    if (bugs.output_derivative_skipped && l + 1 == L)
      g = dx;
    else
      activate<T>(sigma, element_count({n, d.out}), bugs.derivative_at_output ? b.act[l] : b.pre[l], dx, &g);
    const std::vector<T>& x = l == 0 ? x0 : (bugs.grad_weight_pre_activation ? b.pre[l - 1] : b.act[l - 1]);
    for (std::int64_t o = 0; o < d.out; ++o)
      for (std::int64_t i = 0; i < d.in; ++i) {
        T acc = 0;
        for (std::int64_t r = 0; r < n; ++r) acc += g[u(r * d.out + o)] * x[u(r * d.in + i)];
        b.gw[l][at(out_in != bugs.grad_weight_transposed, d, o, i)] = acc;
      }
    if (s.bias)
      for (std::int64_t o = 0; o < d.out; ++o) {
        T acc = 0;
        for (std::int64_t r = 0; r < n; ++r) acc += g[u(r * d.out + o)];
        b.gb[l][u(o)] = bugs.grad_bias_mean ? acc / static_cast<T>(n) : acc;
      }
    const std::vector<T>& w = b.in.at(weight_name(static_cast<std::int64_t>(l + 1)));
    std::vector<T> below(u(n * d.in));
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t i = 0; i < d.in; ++i) {
        T acc = 0;
        for (std::int64_t o = 0; o < d.out; ++o)
          acc += g[u(r * d.out + o)] * w[at(out_in != bugs.backward_transposed_weight, d, o, i)];
        below[u(r * d.in + i)] = acc;
      }
    dx = std::move(below);
  }
  b.grad_input = dx;
  return b.named(s);
}

std::function<NamedArrays<double>(const Case&, Dtype)> with_bugs(Bugs bugs) {
  return run_in_dtype([bugs](const Case& c, auto zero) { return loops<decltype(zero)>(c, bugs); });
}

std::vector<WrongVariant> wrong_variants() {
  return {
      {"backward_transposed_weight", "dL/dx^(l-1) = g W^(l)T: the backward pass reads W in the other layout",
       generate, with_bugs({.backward_transposed_weight = true})},
      {"grad_weight_transposed", "dL/dW^(l) = x^(l-1)T g stored where g^T x^(l-1) belongs", generate,
       with_bugs({.grad_weight_transposed = true})},
      {"grad_weight_pre_activation",
       "dL/dW^(l) = g^T s^(l-1): the previous layer's pre-activation in place of its activation",
       generate_relu_hidden, with_bugs({.grad_weight_pre_activation = true})},
      {"grad_bias_mean", "bias gradients averaged over the batch instead of summed", generate_bias_batch,
       with_bugs({.grad_bias_mean = true})},
      {"derivative_at_output", "sigma'(x^(l)) = sigma'(sigma(s^(l))) in place of sigma'(s^(l))",
       generate_curved_hidden, with_bugs({.derivative_at_output = true})},
      {"output_derivative_skipped", "dL/ds^(L) = dL/dx^(L): the output activation's derivative forgotten",
       generate_curved_output, with_bugs({.output_derivative_skipped = true})},
      {"float32_arithmetic", "a float64 kernel that computes in float32", generate,
       [](const Case& c, Dtype) {
         Case rounded = c;
         for (auto& [name, a] : rounded.inputs)
           a = a.map<Real>([](const Real& v) { return exact(static_cast<double>(round_to_float(v))); });
         return loops<float>(rounded, {});
       },
       {Dtype::float64}},
  };
}

std::vector<Gradient> gradients() {
  std::vector<Gradient> out{{"loss", "input", "grad_input"}, {"output", "input", "grad_input", "cotangent"}};
  for (std::int64_t l = 1; l <= 3; ++l) {
    out.push_back({"loss", weight_name(l), spec::layer_name("grad_weight_", l)});
    out.push_back({"loss", bias_name(l), spec::layer_name("grad_bias_", l)});
    out.push_back({"output", weight_name(l), spec::layer_name("grad_weight_", l), "cotangent"});
    out.push_back({"output", bias_name(l), spec::layer_name("grad_bias_", l), "cotangent"});
  }
  return out;
}

}  // namespace

const Entry& mlp_entry() {
  static const Entry entry{
      .name = Mlp::op,
      .kind = "layer",
      .summary = "multilayer perceptron of any depth on a batch: forward (every s^(l), x^(l)), a loss on top, "
                 "backward (grad_weight_<l>, grad_bias_<l>, grad_input)",
      .doc = "layers/mlp.md",
      .fields = fields_of<Mlp>(),
      .presets = presets_of_spec<Mlp>(),
      .inputs = {{"input", "[N, n_0]", "the batch x^(0), one example per row (finite)"},
                 {"weight_<l>", "[n_l, n_(l-1)] (out_in) or [n_(l-1), n_l] (in_out)",
                  "W^(l) for l = 1..layers, exactly `layers` of them (finite)"},
                 {"bias_<l>", "[n_l]", "b^(l) for l = 1..layers, exactly when spec.bias (finite)"},
                 {"target", "[N, n_L]; cross_entropy: [N]",
                  "the loss's target (cross_entropy: class indices in [0, n_L)); absent for loss none", false, true},
                 {"cotangent", "[N, n_L]", "dL/dx^(L), for loss none only", false, true}},
      .outputs = {{"loss", "[] (or the loss's shape for reduction none)", "the loss on x^(L); absent for loss none",
                   false, true},
                  {"pre_activation_<l>", "[N, n_l]", "s^(l) = x^(l-1) W^(l)T + b^(l)"},
                  {"activation_<l>", "[N, n_l]", "x^(l) = sigma_l(s^(l))"},
                  {"output", "[N, n_L]", "x^(L), the network's output (= activation_L)"},
                  {"grad_weight_<l>", "W^(l)'s shape", "dL/dW^(l) = dL/ds^(l)T x^(l-1), in W's layout"},
                  {"grad_bias_<l>", "[n_l]", "dL/db^(l) = dL/ds^(l) summed over the batch", false, true},
                  {"grad_input", "[N, n_0]", "dL/dx^(0)"}},
      .make_spec = make_spec_json<Mlp>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = gradients(),
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
