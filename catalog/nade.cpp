// Catalog entry for NADE, the neural autoregressive distribution estimator over
// binary vectors: per-example log p(x), the batch mean log-likelihood and its
// gradient. Reference-only: no fast kernel; the wrong variants are plain loops in
// float/double judged by the error model of a kernel doing the reference's operations.
#include <cmath>
#include <cstdint>
#include <tuple>

#include "case_edits.hpp"
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/reference/models/nade.hpp"

namespace gradref::catalog {
namespace {

using spec::Nade;
constexpr const char* op = Nade::op;

Nade spec_of(const Case& c) { return spec_from_json<Nade>(c.spec, ""); }

template <class T>
NamedArrays<T> named(reference::NadeResult<T> r) {
  NamedArrays<T> out;
  out.emplace("log_likelihood", Array<T>(Shape{}, std::vector<T>{std::move(r.log_likelihood)}));
  out.emplace("log_prob", std::move(r.log_prob));
  out.emplace("grad_b", std::move(r.grad_b));
  out.emplace("grad_c", std::move(r.grad_c));
  out.emplace("grad_W", std::move(r.grad_W));
  out.emplace("grad_V", std::move(r.grad_V));
  return out;
}

NamedArrays<Real> run_reference(const Case& c) {
  const Array<Real>& data = input(c, "data");
  const std::vector<std::int64_t> bits = integer_values(data, op, "data");
  return named(reference::nade(spec_of(c), input(c, "b"), input(c, "c"), input(c, "W"), input(c, "V"), data.shape(),
                               std::span<const std::int64_t>(bits)));
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const Array<Real>& data = input(c, "data");
  const std::vector<std::int64_t> bits = integer_values(data, op, "data");
  NamedArrays<Tracked> r =
      named(reference::nade(spec_of(c), tracked(input(c, "b"), dtype), tracked(input(c, "c"), dtype),
                            tracked(input(c, "W"), dtype), tracked(input(c, "V"), dtype), data.shape(),
                            std::span<const std::int64_t>(bits)));
  NamedArrays<Real> out;
  for (const auto& [name, array] : r) out.emplace(name, errors_of(array));
  return out;
}

struct Sizes {
  std::int64_t min_batch = 1, max_batch = 16, max_d = 10, max_h = 6;
};

/// b from `b_value`, c, W, V from `value`; data [M, D], each bit 1 with probability
/// 1/10, 1/2 or 9/10.
rc::Gen<Case> generate_with(rc::Gen<double> b_value, rc::Gen<double> value, Sizes s) {
  return rc::gen::exec([=] {
    const std::int64_t d = *rc::gen::inRange<std::int64_t>(1, s.max_d + 1);
    const std::int64_t h = *rc::gen::inRange<std::int64_t>(1, s.max_h + 1);
    const std::int64_t m = *rc::gen::inRange<std::int64_t>(s.min_batch, s.max_batch + 1);
    const int per_thousand = *rc::gen::element(100, 500, 900);
    std::vector<double> bits(static_cast<std::size_t>(m * d));
    for (double& x : bits) x = *rc::gen::inRange(0, 1000) < per_thousand ? 1.0 : 0.0;
    Case c{op, spec_to_json(Nade{}), {}};
    c.inputs.emplace("b", gen::real_array({d}, *gen::values(d, b_value)));
    c.inputs.emplace("c", gen::real_array({h}, *gen::values(h, value)));
    c.inputs.emplace("W", gen::real_array({h, d}, *gen::values(h * d, value)));
    c.inputs.emplace("V", gen::real_array({d, h}, *gen::values(d * h, value)));
    c.inputs.emplace("data", gen::real_array({m, d}, bits));
    return c;
  });
}

/// Ordinary values (to 10), larger ones (to 100) and the hard mix (zeros,
/// subnormals, tiny, to 1e3): hidden units saturate, exp(-|act|) underflows.
rc::Gen<double> parameter(Dtype dtype) {
  return rc::gen::weightedOneOf<double>(
      {{6, gen::ordinary(dtype, -2, 1)},
       {2, rc::gen::map(gen::ordinary(dtype, 1, 1), [dtype](double x) { return gen::in_dtype(10 * x, dtype); })},
       {2, gen::hard(dtype, 1e3)}});
}

rc::Gen<Case> generate(Dtype dtype) { return generate_with(parameter(dtype), parameter(dtype), Sizes{}); }

/// Parameters to 10, at most 6 rows of 6 bits and 4 hidden units: gradients finite
/// differences resolve, with few 512-bit evaluations.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  return generate_with(gen::ordinary(dtype, -2, 1), gen::ordinary(dtype, -2, 1), Sizes{1, 6, 6, 4});
}

rc::Gen<Case> generate_batches(Dtype dtype) {
  return generate_with(parameter(dtype), parameter(dtype), Sizes{2, 16, 10, 6});
}

/// Output biases from 100 to 1e4 in magnitude, either sign, with V to 10: |z| beyond
/// exp's overflow in float32 and (often) float64.
rc::Gen<Case> generate_large(Dtype dtype) {
  const auto large = rc::gen::map(rc::gen::tuple(rc::gen::inRange(100, 10001), rc::gen::arbitrary<bool>()),
                                  [dtype](const std::tuple<int, bool>& t) {
                                    return gen::in_dtype(std::get<1>(t) ? std::get<0>(t) : -std::get<0>(t), dtype);
                                  });
  return generate_with(large, gen::ordinary(dtype, -2, 1), Sizes{});
}

Case base_case() {
  Case c{op, spec_to_json(Nade{}), {}};
  c.inputs.emplace("b", gen::real_array({3}, {0.5, -1, 2}));
  c.inputs.emplace("c", gen::real_array({2}, {0.25, -0.5}));
  c.inputs.emplace("W", gen::real_array({2, 3}, {1, -2, 0.5, 3, 1.5, -1}));
  c.inputs.emplace("V", gen::real_array({3, 2}, {1, -1, 2, 0.5, -1.5, 3}));
  c.inputs.emplace("data", gen::real_array({2, 3}, {0, 1, 1, 1, 0, 1}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const double nan = std::nan("");
  const double inf = INFINITY;
  const Case b = base_case();
  return {
      {"missing data", without_input(b, "data"), "inputs.data"},
      {"missing V", without_input(b, "V"), "inputs.V"},
      {"b of rank 2", with_input(b, "b", {3, 1}, {0.5, -1, 2}), "b.shape"},
      {"no hidden units", with_input(with_input(with_input(b, "c", {0}, {}), "W", {0, 3}, {}), "V", {3, 0}, {}),
       "c.shape"},
      {"W not [H, D]", with_input(b, "W", {3, 2}, {1, -2, 0.5, 3, 1.5, -1}), "W.shape"},
      {"V not [D, H]", with_input(b, "V", {2, 3}, {1, -1, 2, 0.5, -1.5, 3}), "V.shape"},
      {"data rows not of length D", with_input(b, "data", {3, 2}, {0, 1, 1, 1, 0, 1}), "data.shape"},
      {"an empty batch", with_input(b, "data", {0, 3}, {}), "data.shape"},
      {"a data value of 2", with_input(b, "data", {2, 3}, {0, 1, 1, 1, 2, 1}), "data[4]"},
      {"a data value of 0.5", with_input(b, "data", {2, 3}, {0.5, 1, 1, 1, 0, 1}), "data[0]"},
      {"NaN output bias", with_input(b, "b", {3}, {0.5, -1, nan}), "b[2]"},
      {"infinite hidden bias", with_input(b, "c", {2}, {inf, -0.5}), "c[0]"},
      {"NaN weight", with_input(b, "W", {2, 3}, {1, -2, 0.5, 3, nan, -1}), "W[4]"},
      {"infinite output weight", with_input(b, "V", {3, 2}, {1, -1, 2, -inf, -1.5, 3}), "V[3]"},
  };
}

enum class Bug { sum_not_mean, hidden_sees_x_i, no_sigmoid_derivative, log_of_sigmoid, residual_sign };

/// The loop a user might write, in T, with one bug; otherwise the reference's stable
/// forms, sums left to right.
template <class T>
NamedArrays<double> naive(const Case& c, Bug bug) {
  const Array<Real>& data_in = input(c, "data");
  const std::vector<T> b = exact_values<T>(input(c, "b"), op, "b");
  const std::vector<T> cc = exact_values<T>(input(c, "c"), op, "c");
  const std::vector<T> w = exact_values<T>(input(c, "W"), op, "W");
  const std::vector<T> v = exact_values<T>(input(c, "V"), op, "V");
  const std::vector<std::int64_t> x = integer_values(data_in, op, "data");
  const auto dims = spec::nade_dims(input(c, "b").shape(), input(c, "c").shape(), input(c, "W").shape(),
                                    input(c, "V").shape(), data_in.shape());
  const auto M = static_cast<std::size_t>(dims.m), D = static_cast<std::size_t>(dims.d),
             H = static_cast<std::size_t>(dims.h);
  const T count = static_cast<T>(dims.m);
  std::vector<T> log_prob(M), gb(D, T(0)), gc(H, T(0)), gw(H * D, T(0)), gv(D * H, T(0));
  std::vector<T> act(H), h(D * H), hc(D * H), r(D);
  T total = 0;
  for (std::size_t n = 0; n < M; ++n) {
    const std::int64_t* row = x.data() + n * D;
    for (std::size_t k = 0; k < H; ++k) act[k] = cc[k];
    T lp = 0;
    for (std::size_t i = 0; i < D; ++i) {
      if (bug == Bug::hidden_sees_x_i && row[i] == 1)
        for (std::size_t k = 0; k < H; ++k) act[k] += w[k * D + i];
      T z = b[i];
      for (std::size_t k = 0; k < H; ++k) {
        const T e = std::exp(-std::abs(act[k]));
        const bool up = act[k] >= 0;
        h[i * H + k] = up ? T(1) / (T(1) + e) : e / (T(1) + e);
        hc[i * H + k] = up ? e / (T(1) + e) : T(1) / (T(1) + e);
        z += v[i * H + k] * h[i * H + k];
      }
      const T s = row[i] == 1 ? T(1) : T(-1);
      const T t = -s * z;
      const T e = std::exp(-std::abs(t));
      lp += bug == Bug::log_of_sigmoid ? std::log(T(1) / (T(1) + std::exp(-s * z)))
                                       : -(std::max(t, T(0)) + std::log1p(e));
      const T sig = t >= 0 ? T(1) / (T(1) + e) : e / (T(1) + e);
      r[i] = bug == Bug::residual_sign ? -s * sig : s * sig;
      if (bug != Bug::hidden_sees_x_i && row[i] == 1)
        for (std::size_t k = 0; k < H; ++k) act[k] += w[k * D + i];
    }
    log_prob[n] = lp;
    total += lp;
    std::vector<T> acc(H, T(0));
    for (std::size_t i = D; i-- > 0;) {
      gb[i] += r[i];
      for (std::size_t k = 0; k < H; ++k) {
        gv[i * H + k] += r[i] * h[i * H + k];
        if (row[i] == 1) gw[k * D + i] += acc[k];
        const T back = r[i] * v[i * H + k];
        acc[k] += bug == Bug::no_sigmoid_derivative ? back : back * (h[i * H + k] * hc[i * H + k]);
      }
    }
    for (std::size_t k = 0; k < H; ++k) gc[k] += acc[k];
  }
  if (bug != Bug::sum_not_mean)
    for (std::vector<T>* g : {&gb, &gc, &gw, &gv})
      for (T& value : *g) value /= count;
  NamedArrays<double> out;
  out.emplace("log_likelihood", widened<T>({}, std::vector<T>{total / count}));
  out.emplace("log_prob", widened<T>({dims.m}, log_prob));
  out.emplace("grad_b", widened<T>({dims.d}, gb));
  out.emplace("grad_c", widened<T>({dims.h}, gc));
  out.emplace("grad_W", widened<T>({dims.h, dims.d}, gw));
  out.emplace("grad_V", widened<T>({dims.d, dims.h}, gv));
  return out;
}

WrongVariant naive_variant(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), Bug bug) {
  return {std::move(name), std::move(description), g, [bug](const Case& c, Dtype dtype) {
            return with_dtype(dtype, [&](auto zero) { return naive<decltype(zero)>(c, bug); });
          }};
}

std::vector<WrongVariant> wrong_variants() {
  return {
      naive_variant("sum_not_mean", "the mini-batch gradient summed over the batch, the 1/|B| missing",
                    generate_batches, Bug::sum_not_mean),
      naive_variant("hidden_sees_x_i", "W[:, i] x_i added to the hidden pre-activation before position i: h_i sees x_i",
                    generate, Bug::hidden_sees_x_i),
      naive_variant("no_sigmoid_derivative",
                    "the backward pass through the hidden layer without the factor h (1 - h)", generate,
                    Bug::no_sigmoid_derivative),
      naive_variant("log_of_sigmoid",
                    "log p(x_i | x_<i) = log(1 / (1 + exp(-(2 x_i - 1) z_i))): -inf once exp overflows",
                    generate_large, Bug::log_of_sigmoid),
      naive_variant("residual_sign", "the residual taken as sigmoid(z_i) - x_i: the gradient of -log p", generate,
                    Bug::residual_sign),
  };
}

}  // namespace

const Entry& nade_entry() {
  static const Entry entry{
      .name = op,
      .kind = "model",
      .summary = "NADE, neural autoregressive distribution estimator over binary vectors: log p(x), the batch mean "
                 "log-likelihood and its gradient",
      .doc = "models/nade.md",
      .fields = fields_of<Nade>(),
      .presets = presets_of_spec<Nade>(),
      .inputs = {{"b", "[D]", "output biases b_i (finite)"},
                 {"c", "[H]", "hidden biases c (finite)"},
                 {"W", "[H, D]", "input-to-hidden weights, column i fed by x_i (finite)"},
                 {"V", "[D, H]", "hidden-to-output weights, row i for position i (finite)"},
                 {"data", "[M, D]", "the batch: M >= 1 binary vectors (values 0 or 1)", true}},
      .outputs = {{"log_likelihood", "[]", "L = (1/M) sum_m log p(x_m)"},
                  {"log_prob", "[M]", "log p(x_m) = sum_i log p(x_mi | x_m,<i)"},
                  {"grad_b", "[D]", "dL / db"},
                  {"grad_c", "[H]", "dL / dc"},
                  {"grad_W", "[H, D]", "dL / dW (last column 0)"},
                  {"grad_V", "[D, H]", "dL / dV"}},
      .make_spec = make_spec_json<Nade>,
      .reference = run_reference,
      .fast = {},
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"log_likelihood", "b", "grad_b"},
                    {"log_likelihood", "c", "grad_c"},
                    {"log_likelihood", "W", "grad_W"},
                    {"log_likelihood", "V", "grad_V"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
