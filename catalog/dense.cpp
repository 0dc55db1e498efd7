// Catalog entry for the dense layer, forward and backward.
#include <algorithm>
#include <limits>
#include <utility>

#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/layers/dense.hpp"
#include "gradref/reference/layers/dense.hpp"
#include "layer_support.hpp"
#include "run_in_dtype.hpp"

namespace gradref::catalog {
namespace {

using spec::Dense;
using spec::WeightLayout;

Dense spec_of(const Case& c) { return spec_from_json<Dense>(c.spec, ""); }

const Array<Real>* optional_input(const Case& c, const char* name) {
  auto it = c.inputs.find(name);
  return it == c.inputs.end() ? nullptr : &it->second;
}

template <class T, class Out>
NamedArrays<Out> named(reference::DenseResult<T> r, Array<Out> (*part)(const Array<T>&)) {
  NamedArrays<Out> out;
  out.emplace("output", part(r.output));
  out.emplace("grad_input", part(r.grad_input));
  out.emplace("grad_weight", part(r.grad_weight));
  if (r.grad_bias.size() > 0) out.emplace("grad_bias", part(r.grad_bias));
  return out;
}

NamedArrays<Real> run_reference(const Case& c) {
  return named<Real, Real>(reference::dense(spec_of(c), input(c, "input"), input(c, "weight"),
                                                   optional_input(c, "bias"), input(c, "grad_output")),
                                  [](const Array<Real>& a) { return a; });
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(layers::blas_rounding_model());
  const Array<Real>* bias = optional_input(c, "bias");
  const Array<Tracked> tracked_bias = bias ? tracked(*bias, dtype) : Array<Tracked>();
  return named<Tracked, Real>(reference::dense(spec_of(c), tracked(input(c, "input"), dtype),
                                                      tracked(input(c, "weight"), dtype), bias ? &tracked_bias : nullptr,
                                                      tracked(input(c, "grad_output"), dtype)),
                                     errors_of);
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    const Dense s = spec_of(c);
    const Array<Real>& x_in = input(c, "input");
    const Array<Real>& w_in = input(c, "weight");
    const Array<Real>& g_in = input(c, "grad_output");
    const Array<Real>* b_in = optional_input(c, "bias");
    const spec::AffineDims d =
        spec::dense_dims(s, x_in.shape(), w_in.shape(), b_in ? &b_in->shape() : nullptr, g_in.shape());
    const std::vector<T> x = exact_values<T>(x_in, Dense::op, "input");
    const std::vector<T> w = exact_values<T>(w_in, Dense::op, "weight");
    const std::vector<T> b = b_in ? exact_values<T>(*b_in, Dense::op, "bias") : std::vector<T>();
    const std::vector<T> g = exact_values<T>(g_in, Dense::op, "grad_output");
    std::vector<T> s_out(static_cast<std::size_t>(d.batch * d.out)), gx(x.size()), gw(w.size()), gb(b.size());
    fast::dense<T>(s, x_in.shape(), w_in.shape(), b_in ? &b_in->shape() : nullptr, g_in.shape(), x, w, b, g, s_out,
                   gx, gw, gb);
    NamedArrays<double> out;
    out.emplace("output", widened<T>({d.batch, d.out}, s_out));
    out.emplace("grad_input", widened<T>(x_in.shape(), gx));
    out.emplace("grad_weight", widened<T>(w_in.shape(), gw));
    if (s.bias) out.emplace("grad_bias", widened<T>({d.out}, gb));
    return out;
  });
}

/// Which cases a generator draws.
enum class Draw {
  hard,        ///< any spec; hard values one case in four; sometimes several gemm blocks or long dot products
  moderate,    ///< small shapes, ordinary values: the finite differences
  bias_batch,  ///< bias on, N >= 2: where a bias gradient that is not the batch sum shows
  variant,     ///< as hard, in shapes up to 8: the wrong variants' bugs show at any size, while the long
               ///< products cost minutes per variant in the sanitizer build
};

rc::Gen<Case> cases(Dtype dtype, Draw draw) {
  return rc::gen::exec([=] {
    const bool small = draw == Draw::moderate;
    const auto extent = [draw](std::int64_t most, std::int64_t large_lo, std::int64_t large_hi) {
      return draw == Draw::hard ? *layers::extent(most, large_lo, large_hi)
                                : *rc::gen::inRange<std::int64_t>(1, most + 1);
    };
    const std::int64_t batch = std::max<std::int64_t>(draw == Draw::bias_batch ? 2 : 1,
                                                      small ? *rc::gen::inRange<std::int64_t>(1, 5) : extent(6, 60, 140));
    const std::int64_t in = small ? *rc::gen::inRange<std::int64_t>(1, 5) : extent(8, 60, 200);
    const std::int64_t out = small ? *rc::gen::inRange<std::int64_t>(1, 5) : extent(8, 60, 140);
    const bool bias = draw == Draw::bias_batch || *rc::gen::arbitrary<bool>();
    const WeightLayout layout = *rc::gen::arbitrary<bool>() ? WeightLayout::out_in : WeightLayout::in_out;
    const layers::Magnitude magnitude = small ? layers::Magnitude::ordinary : *layers::magnitudes();
    const auto value = layers::values(dtype, magnitude);
    Dense s;
    s.bias = bias;
    s.weight_layout = layout;
    Case c{Dense::op, spec_to_json(s), {}};
    c.inputs.emplace("input", gen::real_array({batch, in}, *gen::values(batch * in, value)));
    c.inputs.emplace("weight", gen::real_array(spec::weight_shape(layout, in, out), *gen::values(in * out, value)));
    if (bias) c.inputs.emplace("bias", gen::real_array({out}, *gen::values(out, value)));
    c.inputs.emplace("grad_output", gen::real_array({batch, out}, *gen::values(batch * out, value)));
    return c;
  });
}

rc::Gen<Case> generate(Dtype dtype) { return cases(dtype, Draw::hard); }
rc::Gen<Case> generate_moderate(Dtype dtype) { return cases(dtype, Draw::moderate); }
rc::Gen<Case> generate_bias_batch(Dtype dtype) { return cases(dtype, Draw::bias_batch); }
rc::Gen<Case> generate_variant(Dtype dtype) { return cases(dtype, Draw::variant); }

Case base_case() {
  Case c{Dense::op, spec_to_json(Dense{}), {}};
  c.inputs.emplace("input", gen::real_array({2, 3}, {1, 2, 3, -1, 0.5, 0}));
  c.inputs.emplace("weight", gen::real_array({2, 3}, {0.5, -1, 2, 1, 1, -0.25}));
  c.inputs.emplace("bias", gen::real_array({2}, {0.125, -1}));
  c.inputs.emplace("grad_output", gen::real_array({2, 2}, {1, -2, 0.5, 3}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  std::vector<InvalidCase> out;
  const auto with_input = [](const char* name, const Shape& shape, const std::vector<double>& values) {
    Case c = base_case();
    c.inputs.insert_or_assign(name, gen::real_array(shape, values));
    return c;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  out.push_back({"input of rank 1", with_input("input", {3}, {1, 2, 3}), "input.shape"});
  out.push_back({"input with no features", with_input("input", {2, 0}, {}), "input.shape"});
  out.push_back({"weight [2, 4] for 3 input features", with_input("weight", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}),
                 "weight.shape"});
  out.push_back({"weight of rank 1", with_input("weight", {6}, {1, 2, 3, 4, 5, 6}), "weight.shape"});
  {
    Case c = base_case();
    c.inputs.erase("bias");
    out.push_back({"bias missing while spec.bias is true", c, "inputs.bias"});
  }
  {
    Case c = base_case();
    Dense s;
    s.bias = false;
    c.spec = spec_to_json(s);
    out.push_back({"bias given while spec.bias is false", c, "inputs.bias"});
  }
  {
    Case c = base_case();
    Dense s;
    s.weight_layout = WeightLayout::in_out;
    c.spec = spec_to_json(s);
    out.push_back({"weight [out, in] under weight_layout in_out (in = 3, so [3, out] expected)", c, "weight.shape"});
  }
  out.push_back({"bias [3] for 2 outputs", with_input("bias", {3}, {1, 2, 3}), "bias.shape"});
  out.push_back({"grad_output [2, 3] for 2 outputs", with_input("grad_output", {2, 3}, {1, 2, 3, 4, 5, 6}),
                 "grad_output.shape"});
  out.push_back({"grad_output [1, 2] for a batch of 2", with_input("grad_output", {1, 2}, {1, 2}), "grad_output.shape"});
  out.push_back({"NaN in input", with_input("input", {2, 3}, {1, nan, 3, -1, 0.5, 0}), "input[1]"});
  out.push_back({"infinite weight", with_input("weight", {2, 3}, {0.5, -1, 2, 1, -inf, -0.25}), "weight[4]"});
  out.push_back({"NaN bias", with_input("bias", {2}, {nan, 1}), "bias[0]"});
  out.push_back({"infinite grad_output", with_input("grad_output", {2, 2}, {1, -2, inf, 3}), "grad_output[2]"});
  return out;
}

/// The plain loops a user might write, in T, with one of these bugs.
struct Bugs {
  bool backward_transposed_weight = false;  ///< grad_input reads W in the other layout (W^T where W is meant)
  bool grad_weight_transposed = false;      ///< grad_weight written in the other layout (x^T g for g^T x)
  bool grad_bias_mean = false;              ///< grad_bias divided by the batch size
  bool grad_bias_first_row = false;         ///< grad_bias = g[0, :]
  bool bias_not_added = false;              ///< the forward pass forgets + b
};

template <class T>
NamedArrays<double> loops(const Case& c, const Bugs& bugs) {
  const Dense s = spec_of(c);
  const Array<Real>& x_in = input(c, "input");
  const Array<Real>& w_in = input(c, "weight");
  const Array<Real>* b_in = optional_input(c, "bias");
  const spec::AffineDims d = spec::dense_dims(s, x_in.shape(), w_in.shape(), b_in ? &b_in->shape() : nullptr,
                                              input(c, "grad_output").shape());
  const std::vector<T> x = exact_values<T>(x_in, c.op, "input"), w = exact_values<T>(w_in, c.op, "weight");
  const std::vector<T> b = b_in ? exact_values<T>(*b_in, c.op, "bias") : std::vector<T>();
  const std::vector<T> g = exact_values<T>(input(c, "grad_output"), c.op, "grad_output");
  const bool out_in = s.weight_layout == WeightLayout::out_in;
  const auto at = [&](bool layout_out_in, std::int64_t o, std::int64_t i) {
    return static_cast<std::size_t>(layout_out_in ? o * d.in + i : i * d.out + o);
  };
  const auto u = [](std::int64_t k) { return static_cast<std::size_t>(k); };
  std::vector<T> y(u(d.batch * d.out)), gx(x.size()), gw(w.size()), gb(b.size());
  for (std::int64_t n = 0; n < d.batch; ++n)
    for (std::int64_t o = 0; o < d.out; ++o) {
      T acc = 0;
      for (std::int64_t i = 0; i < d.in; ++i) acc += x[u(n * d.in + i)] * w[at(out_in, o, i)];
      y[u(n * d.out + o)] = b.empty() || bugs.bias_not_added ? acc : acc + b[u(o)];
    }
  for (std::int64_t n = 0; n < d.batch; ++n)
    for (std::int64_t i = 0; i < d.in; ++i) {
      T acc = 0;
      for (std::int64_t o = 0; o < d.out; ++o)
        acc += g[u(n * d.out + o)] * w[at(out_in != bugs.backward_transposed_weight, o, i)];
      gx[u(n * d.in + i)] = acc;
    }
  for (std::int64_t o = 0; o < d.out; ++o)
    for (std::int64_t i = 0; i < d.in; ++i) {
      T acc = 0;
      for (std::int64_t n = 0; n < d.batch; ++n) acc += g[u(n * d.out + o)] * x[u(n * d.in + i)];
      gw[at(out_in != bugs.grad_weight_transposed, o, i)] = acc;
    }
  for (std::size_t o = 0; o < gb.size(); ++o) {
    T acc = 0;
    for (std::int64_t n = 0; n < (bugs.grad_bias_first_row ? 1 : d.batch); ++n) acc += g[u(n * d.out) + o];
    gb[o] = bugs.grad_bias_mean ? acc / static_cast<T>(d.batch) : acc;
  }
  NamedArrays<double> out;
  out.emplace("output", widened<T>({d.batch, d.out}, y));
  out.emplace("grad_input", widened<T>(x_in.shape(), gx));
  out.emplace("grad_weight", widened<T>(w_in.shape(), gw));
  if (s.bias) out.emplace("grad_bias", widened<T>({d.out}, gb));
  return out;
}

std::function<NamedArrays<double>(const Case&, Dtype)> with_bugs(Bugs bugs) {
  return run_in_dtype([bugs](const Case& c, auto zero) { return loops<decltype(zero)>(c, bugs); });
}

std::vector<WrongVariant> wrong_variants() {
  return {
      {"backward_transposed_weight", "grad_input = g W^T: the backward pass reads W in the other layout", generate_variant,
       with_bugs({.backward_transposed_weight = true})},
      {"grad_weight_transposed", "grad_weight = x^T g stored where g^T x belongs (the other layout)", generate_variant,
       with_bugs({.grad_weight_transposed = true})},
      {"grad_bias_mean", "grad_bias averaged over the batch instead of summed", generate_bias_batch,
       with_bugs({.grad_bias_mean = true})},
      {"grad_bias_first_row", "grad_bias = g[0, :]: the gradient of the first example only", generate_bias_batch,
       with_bugs({.grad_bias_first_row = true})},
      {"bias_not_added", "the forward pass returns x W^T without + b", generate_bias_batch,
       with_bugs({.bias_not_added = true})},
      {"float32_arithmetic", "a float64 kernel that computes in float32", generate_variant,
       [](const Case& c, Dtype) {
         Case rounded = c;
         for (auto& [name, a] : rounded.inputs)
           a = a.map<Real>([](const Real& v) { return exact(static_cast<double>(round_to_float(v))); });
         return loops<float>(rounded, {});
       },
       {Dtype::float64}},
  };
}

}  // namespace

const Entry& dense_entry() {
  static const Entry entry{
      .name = Dense::op,
      .kind = "layer",
      .summary = "dense layer s = x W^T + b on a batch, with grad_input, grad_weight, grad_bias for a cotangent",
      .doc = "layers/dense.md",
      .fields = fields_of<Dense>(),
      .presets = presets_of_spec<Dense>(),
      .inputs = {{"input", "[N, in]", "the batch x, one example per row (finite)"},
                 {"weight", "[out, in] (weight_layout out_in) or [in, out] (in_out)", "W (finite)"},
                 {"bias", "[out]", "b (finite); present exactly when spec.bias", false, true},
                 {"grad_output", "[N, out]", "the cotangent g = dL/ds (finite)"}},
      .outputs = {{"output", "[N, out]", "s = x W^T + b"},
                  {"grad_input", "[N, in]", "g W = d(sum of grad_output * output) / d input"},
                  {"grad_weight", "W's shape", "g^T x in W's layout = d(sum of grad_output * output) / d weight"},
                  {"grad_bias", "[out]", "sum over the batch of g = d(sum of grad_output * output) / d bias", false,
                   true}},
      .make_spec = make_spec_json<Dense>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"output", "input", "grad_input", "grad_output"},
                    {"output", "weight", "grad_weight", "grad_output"},
                    {"output", "bias", "grad_bias", "grad_output"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
