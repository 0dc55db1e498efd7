// Catalog entry for the autoregressive model over binary vectors (fully visible
// sigmoid belief network): per-example log p(x), the batch mean log-likelihood and
// its gradient. Reference-only: no fast kernel; the wrong variants are plain loops
// in float/double judged by the error model of a kernel doing the reference's operations.
#include <cmath>
#include <cstdint>
#include <tuple>

#include "case_edits.hpp"
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/reference/models/autoregressive.hpp"

namespace gradref::catalog {
namespace {

using spec::Autoregressive;
constexpr const char* op = Autoregressive::op;

Autoregressive spec_of(const Case& c) { return spec_from_json<Autoregressive>(c.spec, ""); }

template <class T>
NamedArrays<T> named(reference::AutoregressiveResult<T> r) {
  NamedArrays<T> out;
  out.emplace("log_likelihood", Array<T>(Shape{}, std::vector<T>{std::move(r.log_likelihood)}));
  out.emplace("log_prob", std::move(r.log_prob));
  out.emplace("grad_a", std::move(r.grad_a));
  out.emplace("grad_W", std::move(r.grad_W));
  return out;
}

NamedArrays<Real> run_reference(const Case& c) {
  const Array<Real>& data = input(c, "data");
  const std::vector<std::int64_t> bits = integer_values(data, op, "data");
  return named(reference::autoregressive(spec_of(c), input(c, "a"), input(c, "W"), data.shape(),
                                         std::span<const std::int64_t>(bits)));
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const Array<Real>& data = input(c, "data");
  const std::vector<std::int64_t> bits = integer_values(data, op, "data");
  NamedArrays<Tracked> r = named(reference::autoregressive(spec_of(c), tracked(input(c, "a"), dtype),
                                                           tracked(input(c, "W"), dtype), data.shape(),
                                                           std::span<const std::int64_t>(bits)));
  NamedArrays<Real> out;
  for (const auto& [name, array] : r) out.emplace(name, errors_of(array));
  return out;
}

/// Parameters from `value`, data [M, D] with M from min_batch to max_batch, D from 1
/// to max_d, each bit 1 with probability 1/10, 1/2 or 9/10. W is full: the entries on
/// and above the diagonal are ignored by the model, and must be, so they are not zero.
rc::Gen<Case> generate_with(rc::Gen<double> a_value, rc::Gen<double> w_value, std::int64_t min_batch,
                            std::int64_t max_batch = 32, std::int64_t max_d = 12) {
  return rc::gen::exec([=] {
    const std::int64_t d = *rc::gen::inRange<std::int64_t>(1, max_d + 1);
    const std::int64_t m = *rc::gen::inRange<std::int64_t>(min_batch, max_batch + 1);
    const int per_thousand = *rc::gen::element(100, 500, 900);
    std::vector<double> bits(static_cast<std::size_t>(m * d));
    for (double& b : bits) b = *rc::gen::inRange(0, 1000) < per_thousand ? 1.0 : 0.0;
    Case c{op, spec_to_json(Autoregressive{}), {}};
    c.inputs.emplace("a", gen::real_array({d}, *gen::values(d, a_value)));
    c.inputs.emplace("W", gen::real_array({d, d}, *gen::values(d * d, w_value)));
    c.inputs.emplace("data", gen::real_array({m, d}, bits));
    return c;
  });
}

/// Ordinary values (to 10), larger ones (to 100) and the hard mix (zeros,
/// subnormals, tiny, to 1e3; |z| reaches 1e4 with 12 terms).
rc::Gen<double> parameter(Dtype dtype) {
  return rc::gen::weightedOneOf<double>(
      {{6, gen::ordinary(dtype, -2, 1)},
       {2, rc::gen::map(gen::ordinary(dtype, 1, 1), [dtype](double x) { return gen::in_dtype(10 * x, dtype); })},
       {2, gen::hard(dtype, 1e3)}});
}

rc::Gen<Case> generate(Dtype dtype) { return generate_with(parameter(dtype), parameter(dtype), 1); }

/// Parameters to 10 in magnitude: gradients of a size finite differences resolve;
/// at most 8 rows of 8 bits, since each finite difference evaluates the model many
/// times at 512 bits.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  return generate_with(gen::ordinary(dtype, -2, 1), gen::ordinary(dtype, -2, 1), 1, 8, 8);
}

/// Batches of two or more (a mean and a sum differ).
rc::Gen<Case> generate_batches(Dtype dtype) { return generate_with(parameter(dtype), parameter(dtype), 2); }

/// Biases from 100 to 1e4 in magnitude, either sign: exp(|z|) overflows float32 (and
/// float64 beyond 709.8), and log(sigmoid(z)) becomes log(0).
rc::Gen<Case> generate_large(Dtype dtype) {
  const auto large = rc::gen::map(rc::gen::tuple(rc::gen::inRange(100, 10001), rc::gen::arbitrary<bool>()),
                                  [dtype](const std::tuple<int, bool>& t) {
                                    return gen::in_dtype(std::get<1>(t) ? std::get<0>(t) : -std::get<0>(t), dtype);
                                  });
  return generate_with(large, gen::ordinary(dtype, -2, 1), 1);
}

Case base_case() {
  Case c{op, spec_to_json(Autoregressive{}), {}};
  c.inputs.emplace("a", gen::real_array({3}, {0.5, -1, 2}));
  c.inputs.emplace("W", gen::real_array({3, 3}, {0, 0, 0, 1.5, 0, 0, -0.25, 3, 0}));
  c.inputs.emplace("data", gen::real_array({2, 3}, {0, 1, 1, 1, 0, 1}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const double nan = std::nan("");
  const double inf = INFINITY;
  const Case b = base_case();
  return {
      {"missing data", without_input(b, "data"), "inputs.data"},
      {"missing W", without_input(b, "W"), "inputs.W"},
      {"a of rank 2", with_input(b, "a", {3, 1}, {0.5, -1, 2}), "a.shape"},
      {"W not [D, D]", with_input(b, "W", {3, 2}, {0, 0, 1.5, 0, -0.25, 3}), "W.shape"},
      {"data rows not of length D", with_input(b, "data", {2, 2}, {0, 1, 1, 0}), "data.shape"},
      {"an empty batch", with_input(b, "data", {0, 3}, {}), "data.shape"},
      {"data of rank 1", with_input(b, "data", {3}, {0, 1, 1}), "data.shape"},
      {"a data value of 2", with_input(b, "data", {2, 3}, {0, 1, 1, 1, 2, 1}), "data[4]"},
      {"a data value of -1", with_input(b, "data", {2, 3}, {0, -1, 1, 1, 0, 1}), "data[1]"},
      {"a data value of 0.5", with_input(b, "data", {2, 3}, {0, 1, 1, 0.5, 0, 1}), "data[3]"},
      {"NaN bias", with_input(b, "a", {3}, {0.5, nan, 2}), "a[1]"},
      {"infinite weight", with_input(b, "W", {3, 3}, {0, 0, 0, inf, 0, 0, -0.25, 3, 0}), "W[3]"},
      {"infinite ignored weight above the diagonal", with_input(b, "W", {3, 3}, {0, -inf, 0, 1.5, 0, 0, -0.25, 3, 0}),
       "W[1]"},
  };
}

enum class Bug { sum_not_mean, conditions_on_self, log_of_sigmoid, residual_sign };

/// The loop a user might write, in T, with one bug: z by a left-to-right sum,
/// log p and the residual in the stable form unless the bug is in them.
template <class T>
NamedArrays<double> naive(const Case& c, Bug bug) {
  const Array<Real>& data_in = input(c, "data");
  const std::vector<T> a = exact_values<T>(input(c, "a"), op, "a");
  const std::vector<T> w = exact_values<T>(input(c, "W"), op, "W");
  const std::vector<std::int64_t> x = integer_values(data_in, op, "data");
  const auto [m, d] = spec::autoregressive_dims(input(c, "a").shape(), input(c, "W").shape(), data_in.shape());
  const std::size_t D = static_cast<std::size_t>(d);
  const T count = static_cast<T>(m);
  std::vector<T> log_prob(static_cast<std::size_t>(m)), grad_a(D, T(0)), grad_w(D * D, T(0));
  T total = 0;
  for (std::size_t n = 0; n < static_cast<std::size_t>(m); ++n) {
    const std::int64_t* row = x.data() + n * D;
    T lp = 0;
    for (std::size_t i = 0; i < D; ++i) {
      T z = a[i];
      const std::size_t last = bug == Bug::conditions_on_self ? i + 1 : i;
      for (std::size_t j = 0; j < last; ++j)
        if (row[j] == 1) z += w[i * D + j];
      const T s = row[i] == 1 ? T(1) : T(-1);
      const T t = -s * z;
      const T e = std::exp(-std::abs(t));
      lp += bug == Bug::log_of_sigmoid ? std::log(T(1) / (T(1) + std::exp(-s * z)))
                                       : -(std::max(t, T(0)) + std::log1p(e));
      const T sig = t >= 0 ? T(1) / (T(1) + e) : e / (T(1) + e);
      const T r = bug == Bug::residual_sign ? -s * sig : s * sig;
      grad_a[i] += r;
      for (std::size_t j = 0; j < i; ++j)
        if (row[j] == 1) grad_w[i * D + j] += r;
    }
    log_prob[n] = lp;
    total += lp;
  }
  if (bug != Bug::sum_not_mean) {
    for (T& g : grad_a) g /= count;
    for (T& g : grad_w) g /= count;
  }
  NamedArrays<double> out;
  out.emplace("log_likelihood", widened<T>({}, std::vector<T>{total / count}));
  out.emplace("log_prob", widened<T>({m}, log_prob));
  out.emplace("grad_a", widened<T>({d}, grad_a));
  out.emplace("grad_W", widened<T>({d, d}, grad_w));
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
      naive_variant("conditions_on_self", "z_i = a_i + sum_{j <= i} W_ij x_j: x_i predicts itself",
                    generate, Bug::conditions_on_self),
      naive_variant("log_of_sigmoid",
                    "log p(x_i | x_<i) = log(sigmoid((2 x_i - 1) z_i)) with sigmoid = 1 / (1 + exp(-y)): "
                    "exp overflows and the log of 0 is -inf for large |z|",
                    generate_large, Bug::log_of_sigmoid),
      naive_variant("residual_sign", "the residual taken as sigmoid(z_i) - x_i: the gradient of -log p",
                    generate, Bug::residual_sign),
  };
}

}  // namespace

const Entry& autoregressive_entry() {
  static const Entry entry{
      .name = op,
      .kind = "model",
      .summary = "autoregressive model over binary vectors (fully visible sigmoid belief network): log p(x), "
                 "the batch mean log-likelihood and its gradient",
      .doc = "models/autoregressive.md",
      .fields = fields_of<Autoregressive>(),
      .presets = presets_of_spec<Autoregressive>(),
      .inputs = {{"a", "[D]", "biases a_i (finite)"},
                 {"W", "[D, D]", "weights W_ij; only the strictly lower triangle (j < i) is used (finite)"},
                 {"data", "[M, D]", "the batch: M >= 1 binary vectors (values 0 or 1)", true}},
      .outputs = {{"log_likelihood", "[]", "L = (1/M) sum_m log p(x_m)"},
                  {"log_prob", "[M]", "log p(x_m) = sum_i log p(x_mi | x_m,<i)"},
                  {"grad_a", "[D]", "dL / da"},
                  {"grad_W", "[D, D]", "dL / dW (0 on and above the diagonal)"}},
      .make_spec = make_spec_json<Autoregressive>,
      .reference = run_reference,
      .fast = {},
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"log_likelihood", "a", "grad_a"}, {"log_likelihood", "W", "grad_W"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
