// Catalog entry for the GAN objectives (reference-only: no fast kernel; the error
// bound is the Tracked instantiation's, for a float/double kernel doing the
// reference's operations with its sums in any order).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "case_edits.hpp"
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/reference/models/gan.hpp"

namespace gradref::catalog {
namespace {

using spec::Gan;
using spec::GanDiscriminator;
using spec::GanObjective;

constexpr const char* op = Gan::op;

Gan spec_of(const Case& c) { return spec_from_json<Gan>(c.spec, ""); }

const Array<Real>* optional_input(const Case& c, const char* name) {
  auto it = c.inputs.find(name);
  return it == c.inputs.end() ? nullptr : &it->second;
}

template <class T>
NamedArrays<T> named(reference::GanResult<T> r) {
  NamedArrays<T> out;
  out.emplace("value", Array<T>(Shape{}, std::vector<T>{r.value}));
  out.emplace("grad_w", std::move(r.grad_w));
  out.emplace("grad_b", std::move(r.grad_b));
  out.emplace("grad_A", std::move(r.grad_A));
  out.emplace("grad_c", std::move(r.grad_c));
  return out;
}

NamedArrays<Real> run_reference(const Case& c) {
  const reference::GanParams<Real> p{input(c, "A"), input(c, "c"), input(c, "w"), input(c, "b")};
  return named(reference::gan(spec_of(c), input(c, "x"), input(c, "z"), p, optional_input(c, "a")));
}

/// The fast layer's exp and log budgets, and sums bounded for any order (depth n - 1):
/// there is no kernel whose summation order the model could follow.
RoundingModel any_order_model() {
  RoundingModel m = fast_rounding_model();
  m.sum_depth = [](std::int64_t n) { return n > 1 ? n - 1 : std::int64_t{0}; };
  return m;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(any_order_model());
  const reference::GanParams<Tracked> p{tracked(input(c, "A"), dtype), tracked(input(c, "c"), dtype),
                                        tracked(input(c, "w"), dtype), tracked(input(c, "b"), dtype)};
  const Array<Real>* a_in = optional_input(c, "a");
  const Array<Tracked> a = a_in ? tracked(*a_in, dtype) : Array<Tracked>();
  reference::GanResult<Tracked> r = reference::gan(spec_of(c), tracked(input(c, "x"), dtype),
                                                   tracked(input(c, "z"), dtype), p, a_in ? &a : nullptr);
  NamedArrays<Real> out;
  out.emplace("value", Array<Real>(Shape{}, std::vector<Real>{r.value.error()}));
  out.emplace("grad_w", errors_of(r.grad_w));
  out.emplace("grad_b", errors_of(r.grad_b));
  out.emplace("grad_A", errors_of(r.grad_A));
  out.emplace("grad_c", errors_of(r.grad_c));
  return out;
}

// ---- Generators -------------------------------------------------------------

struct Draws {
  rc::Gen<double> data;   ///< x and z
  rc::Gen<double> param;  ///< A, c, w
  rc::Gen<double> bias;   ///< b
  bool nonzero_w = false;
};

/// Mixing weights in [0, 1]: the ends, 1/2, multiples of 2^-20 and rounded decimals.
rc::Gen<double> mixing(Dtype dtype) {
  return rc::gen::weightedOneOf<double>(
      {{1, rc::gen::just(0.0)},
       {1, rc::gen::just(1.0)},
       {1, rc::gen::just(0.5)},
       {4, rc::gen::map(rc::gen::inRange(0, (1 << 20) + 1), [](int k) { return std::ldexp(k, -20); })},
       {4, rc::gen::map(rc::gen::inRange(0, 1000001), [dtype](int k) { return gen::in_dtype(k * 1e-6, dtype); })}});
}

Case make_case(const Gan& s, Dtype dtype, const Draws& draws) {
  const std::int64_t m = *rc::gen::inRange<std::int64_t>(1, 5);
  const std::int64_t d = *rc::gen::inRange<std::int64_t>(1, 4);
  const std::int64_t k = *rc::gen::inRange<std::int64_t>(1, 4);
  Case c{op, spec_to_json(s), {}};
  c.inputs.emplace("x", gen::real_array({m, d}, *gen::values(m * d, draws.data)));
  c.inputs.emplace("z", gen::real_array({m, k}, *gen::values(m * k, draws.data)));
  c.inputs.emplace("A", gen::real_array({d, k}, *gen::values(d * k, draws.param)));
  c.inputs.emplace("c", gen::real_array({d}, *gen::values(d, draws.param)));
  std::vector<double> w = *gen::values(d, draws.param);
  // ||w|| = 0 is the penalty's kink (documented subgradient 0); finite differences stay off it.
  if (draws.nonzero_w && std::all_of(w.begin(), w.end(), [](double v) { return v == 0; })) w[0] = 0.5;
  c.inputs.emplace("w", gen::real_array({d}, w));
  c.inputs.emplace("b", gen::real_array({}, {*draws.bias}));
  if (s.objective == GanObjective::gradient_penalty)
    c.inputs.emplace("a", gen::real_array({m}, *gen::values(m, mixing(dtype))));
  return c;
}

/// A spec for `objective` (any, when empty) with a discriminator it allows.
rc::Gen<Gan> specs(std::optional<GanObjective> objective, std::optional<GanDiscriminator> discriminator) {
  return rc::gen::exec([=] {
    Gan s;
    s.objective = objective ? *objective
                            : *rc::gen::element(GanObjective::minimax, GanObjective::non_saturating,
                                                GanObjective::wgan_critic, GanObjective::gradient_penalty);
    const bool critic = s.objective == GanObjective::wgan_critic || s.objective == GanObjective::gradient_penalty;
    s.discriminator = discriminator ? *discriminator
                      : critic      ? *rc::gen::element(GanDiscriminator::logistic, GanDiscriminator::affine)
                                    : GanDiscriminator::logistic;
    s.lambda = *rc::gen::element(10.0, 1.0, 0.0, 0.25, 3.5);
    return s;
  });
}

rc::Gen<Case> generate_with(Dtype dtype, rc::Gen<Gan> spec_gen, Draws draws) {
  return rc::gen::exec([=] { return make_case(*spec_gen, dtype, draws); });
}

/// Hard values: zeros, subnormals, tiny magnitudes, data to 30 and parameters to 4,
/// so scores reach a few thousand (D and 1 - D underflow, exp(-|u|) is subnormal or 0)
/// while every product stays far from overflow in float32.
Draws hard_draws(Dtype dtype) { return {gen::hard(dtype, 30), gen::hard(dtype, 4), gen::hard(dtype, 30)}; }

rc::Gen<Case> generate(Dtype dtype) { return generate_with(dtype, specs({}, {}), hard_draws(dtype)); }

/// Values to 10, w never 0: gradients of a size 512-bit finite differences resolve,
/// and off the norm's kink.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  const auto moderate = gen::ordinary(dtype, -2, 1);
  return generate_with(dtype, specs({}, {}), {moderate, gen::ordinary(dtype, -2, 0), moderate, true});
}

rc::Gen<Case> generate_objective(Dtype dtype, GanObjective objective, std::optional<GanDiscriminator> discriminator) {
  return generate_with(dtype, specs(objective, discriminator), hard_draws(dtype));
}

/// Minimax cases whose fake scores s_j = w . G(z_j) + b exceed 40: b in [40, 200],
/// the rest at most 1, so D(G(z)) rounds to 1 in float32 and float64.
rc::Gen<Case> generate_large_fake_scores(Dtype dtype) {
  const auto small = gen::ordinary(dtype, -2, 0);
  const auto bias = rc::gen::map(rc::gen::inRange(40, 201), [](int v) { return static_cast<double>(v); });
  return generate_with(dtype, specs(GanObjective::minimax, GanDiscriminator::logistic), {small, small, bias});
}

Case base_case() {
  Gan s;
  s.objective = GanObjective::gradient_penalty;
  Case c{op, spec_to_json(s), {}};
  c.inputs.emplace("x", gen::real_array({2, 2}, {1, -0.5, 0.25, 2}));
  c.inputs.emplace("z", gen::real_array({2, 1}, {0.5, -1}));
  c.inputs.emplace("A", gen::real_array({2, 1}, {1, -2}));
  c.inputs.emplace("c", gen::real_array({2}, {0.5, 0}));
  c.inputs.emplace("w", gen::real_array({2}, {0.75, -1.5}));
  c.inputs.emplace("b", gen::real_array({}, {0.125}));
  c.inputs.emplace("a", gen::real_array({2}, {0.25, 0.5}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const double nan = std::nan("");
  const double inf = INFINITY;
  const Case p = base_case();
  const Case mm = without_input(with_spec(p, "objective", "minimax"), "a");
  return {
      {"unknown objective", with_spec(p, "objective", "hinge"), "objective"},
      {"unknown discriminator", with_spec(p, "discriminator", "mlp"), "discriminator"},
      {"affine discriminator for minimax", with_spec(mm, "discriminator", "affine"), "discriminator"},
      {"affine discriminator for non_saturating",
       with_spec(with_spec(mm, "objective", "non_saturating"), "discriminator", "affine"), "discriminator"},
      {"negative lambda", with_spec(p, "lambda", -1.0), "lambda"},
      {"infinite lambda", with_spec(p, "lambda", "inf"), "lambda"},
      {"missing x", without_input(p, "x"), "inputs.x"},
      {"missing w", without_input(p, "w"), "inputs.w"},
      {"x of rank 1", with_input(p, "x", {4}, {1, -0.5, 0.25, 2}), "x.shape"},
      {"no samples", with_input(with_input(with_input(p, "x", {0, 2}, {}), "z", {0, 1}, {}), "a", {0}, {}),
       "x.shape"},
      {"z with another sample count", with_input(p, "z", {3, 1}, {0.5, -1, 2}), "z.shape"},
      {"z with noise dimension 0", with_input(with_input(p, "z", {2, 0}, {}), "A", {2, 0}, {}), "z.shape"},
      {"A not [d, k]", with_input(p, "A", {1, 2}, {1, -2}), "A.shape"},
      {"c not [d]", with_input(p, "c", {3}, {0.5, 0, 1}), "c.shape"},
      {"w not [d]", with_input(p, "w", {1}, {0.75}), "w.shape"},
      {"b of shape [1]", with_input(p, "b", {1}, {0.125}), "b.shape"},
      {"gradient_penalty without a", without_input(p, "a"), "inputs.a"},
      {"a given to minimax", with_spec(p, "objective", "minimax"), "inputs.a"},
      {"a not [M]", with_input(p, "a", {3}, {0.25, 0.5, 1}), "a.shape"},
      {"a above 1", with_input(p, "a", {2}, {0.25, 1.5}), "a[1]"},
      {"a below 0", with_input(p, "a", {2}, {-0.25, 0.5}), "a[0]"},
      {"a = NaN", with_input(p, "a", {2}, {0.25, nan}), "a[1]"},
      {"x = NaN", with_input(p, "x", {2, 2}, {1, -0.5, nan, 2}), "x[2]"},
      {"z = inf", with_input(p, "z", {2, 1}, {inf, -1}), "z[0]"},
      {"A = NaN", with_input(p, "A", {2, 1}, {1, nan}), "A[1]"},
      {"c = -inf", with_input(p, "c", {2}, {0.5, -inf}), "c[1]"},
      {"w = NaN", with_input(mm, "w", {2}, {nan, -1.5}), "w[0]"},
      {"b = inf", with_input(mm, "b", {}, {inf}), "b[0]"},
  };
}

// ---- Wrong variants -----------------------------------------------------------

enum class Bug {
  none,
  no_second_derivative,
  saturating_generator,
  log_of_rounded_sigmoid,
  norm_without_sqrt,
  mixing_wrong_side,
  wgan_sign_flipped,
};

/// The objective as a user might loop it in T (left-to-right sums), with one bug.
/// Bug::none is the plain loop, which passes the comparison (a check of the bound's
/// honesty; see docs/models/gan.md).
template <class T>
NamedArrays<double> plain(const Case& c, Bug bug) {
  const Gan s = spec_of(c);
  const std::vector<T> x = exact_values<T>(input(c, "x"), op, "x");
  const std::vector<T> z = exact_values<T>(input(c, "z"), op, "z");
  const std::vector<T> A = exact_values<T>(input(c, "A"), op, "A");
  const std::vector<T> cc = exact_values<T>(input(c, "c"), op, "c");
  const std::vector<T> w = exact_values<T>(input(c, "w"), op, "w");
  const T b = exact_values<T>(input(c, "b"), op, "b")[0];
  const Array<Real>* a_in = optional_input(c, "a");
  const std::vector<T> a = a_in ? exact_values<T>(*a_in, op, "a") : std::vector<T>{};
  const auto m = static_cast<std::size_t>(input(c, "x").extent(0));
  const auto d = w.size();
  const auto k = static_cast<std::size_t>(input(c, "z").extent(1));
  const T count = static_cast<T>(m);
  const bool logistic = s.discriminator == GanDiscriminator::logistic;

  std::vector<T> g(m * d);
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t i = 0; i < d; ++i) {
      T acc = 0;
      for (std::size_t l = 0; l < k; ++l) acc += A[i * k + l] * z[j * k + l];
      g[j * d + i] = acc + cc[i];
    }
  const auto score = [&](const T* row) {
    T acc = 0;
    for (std::size_t l = 0; l < d; ++l) acc += w[l] * row[l];
    return acc + b;
  };
  const auto sigmoid = [](T u) {
    const T e = std::exp(-std::abs(u));
    const T r = T(1) / (T(1) + e);
    return u >= 0 ? r : e * r;
  };
  const auto one_minus_sigmoid = [&sigmoid](T u) { return sigmoid(-u); };
  const auto softplus = [](T u) { return std::max(u, T(0)) + std::log1p(std::exp(-std::abs(u))); };

  std::vector<const T*> rows;
  std::vector<T> kappa, gamma, xhat, terms;
  std::size_t real_rows = 0;  // x's rows and terms first, summed apart from G(z)'s
  const auto plain_sum = [](auto first, auto last) {
    T acc = 0;
    for (; first != last; ++first) acc += *first;
    return acc;
  };
  const auto grouped = [&](const std::vector<T>& v) {
    if (real_rows == 0 || real_rows >= v.size()) return plain_sum(v.begin(), v.end());
    const auto split = v.begin() + static_cast<std::ptrdiff_t>(real_rows);
    return plain_sum(v.begin(), split) + plain_sum(split, v.end());
  };
  T value = 0, extra = 0, norm = 0, outer = 1;
  bool per_sample = true;
  switch (s.objective) {
    case GanObjective::minimax:
      real_rows = m;
      for (std::size_t i = 0; i < m; ++i) {
        const T t = score(&x[i * d]);
        if (bug == Bug::log_of_rounded_sigmoid) {
          const T sig = T(1) / (T(1) + std::exp(-t));
          terms.push_back(-std::log(sig));
          kappa.push_back(T(1) - sig);
        } else {
          terms.push_back(softplus(-t));
          kappa.push_back(one_minus_sigmoid(t));
        }
        rows.push_back(&x[i * d]);
      }
      for (std::size_t j = 0; j < m; ++j) {
        const T sj = score(&g[j * d]);
        if (bug == Bug::log_of_rounded_sigmoid) {
          const T sig = T(1) / (T(1) + std::exp(-sj));
          terms.push_back(-std::log1p(-sig));
          kappa.push_back(-sig);
        } else {
          terms.push_back(softplus(sj));
          kappa.push_back(-sigmoid(sj));
        }
        rows.push_back(&g[j * d]);
        gamma.push_back(kappa.back());
      }
      value = -(grouped(terms) / count);
      break;
    case GanObjective::non_saturating:
      for (std::size_t j = 0; j < m; ++j) {
        const T sj = score(&g[j * d]);
        if (bug == Bug::saturating_generator) {  // log(1 - D(G(z))), minimized
          terms.push_back(-softplus(sj));
          kappa.push_back(-sigmoid(sj));
        } else {
          terms.push_back(softplus(-sj));
          kappa.push_back(-one_minus_sigmoid(sj));
        }
        rows.push_back(&g[j * d]);
        gamma.push_back(kappa.back());
      }
      value = grouped(terms) / count;
      break;
    case GanObjective::wgan_critic: {
      real_rows = m;
      const T sign = bug == Bug::wgan_sign_flipped ? T(-1) : T(1);
      for (std::size_t i = 0; i < m; ++i) {
        const T t = score(&x[i * d]);
        const T f = logistic ? sigmoid(t) : t;
        const T df = logistic ? sigmoid(t) * one_minus_sigmoid(t) : T(1);
        terms.push_back(-(sign * f));
        kappa.push_back(-sign * df);
        rows.push_back(&x[i * d]);
      }
      for (std::size_t j = 0; j < m; ++j) {
        const T sj = score(&g[j * d]);
        const T f = logistic ? sigmoid(sj) : sj;
        const T df = logistic ? sigmoid(sj) * one_minus_sigmoid(sj) : T(1);
        terms.push_back(sign * f);
        kappa.push_back(sign * df);
        rows.push_back(&g[j * d]);
        gamma.push_back(kappa.back());
      }
      value = grouped(terms) / count;
      break;
    }
    case GanObjective::gradient_penalty: {
      T largest = 0, r = 0;
      for (std::size_t l = 0; l < d; ++l) largest = std::max(largest, std::abs(w[l]));
      if (largest > 0) {
        T squares = 0;
        for (std::size_t l = 0; l < d; ++l) squares += (w[l] / largest) * (w[l] / largest);
        r = bug == Bug::norm_without_sqrt ? squares * largest * largest : std::sqrt(squares) * largest;
      }
      const T lambda = static_cast<T>(s.lambda);
      if (!logistic) {
        value = lambda * (r - 1) * (r - 1);
        extra = T(2) * (r - 1);
        norm = r;
        outer = lambda;
        per_sample = false;
        break;
      }
      xhat.resize(m * d);
      T msum = 0;
      for (std::size_t i = 0; i < m; ++i) {
        const T ax = bug == Bug::mixing_wrong_side ? T(1) - a[i] : a[i];
        const T ag = T(1) - ax;
        for (std::size_t l = 0; l < d; ++l) xhat[i * d + l] = ax * x[i * d + l] + ag * g[i * d + l];
        const T u = score(&xhat[i * d]);
        const T dd = sigmoid(u), omd = one_minus_sigmoid(u), q = dd * omd;
        const T e = q * r - 1;
        value += e * e;
        const T mi = T(2) * e * q;
        msum += mi;
        const T h = bug == Bug::no_second_derivative ? T(0) : mi * r * (omd - dd);
        rows.push_back(&xhat[i * d]);
        kappa.push_back(h);
        gamma.push_back(h * ag);
      }
      value = lambda * value / count;
      extra = msum;
      norm = r;
      outer = lambda;
      break;
    }
  }
  const auto finish = [&](T total) { return per_sample ? outer * total / count : outer * total; };
  std::vector<T> grad_w(d), grad_A(d * k), grad_c(d);
  for (std::size_t l = 0; l < d; ++l) {
    std::vector<T> column(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) column[r] = kappa[r] * rows[r][l];
    const T rows_part = grouped(column);
    grad_w[l] = finish(norm > 0 ? rows_part + extra * (w[l] / norm) : rows_part);
  }
  const T grad_b = finish(grouped(kappa));
  T gamma_sum = 0;
  for (const T& v : gamma) gamma_sum += v;
  gamma_sum = finish(gamma_sum);
  for (std::size_t l = 0; l < k; ++l) {
    T acc = 0;
    for (std::size_t j = 0; j < gamma.size(); ++j) acc += gamma[j] * z[j * k + l];
    acc = finish(acc);
    for (std::size_t i = 0; i < d; ++i) grad_A[i * k + l] = w[i] * acc;
  }
  for (std::size_t i = 0; i < d; ++i) grad_c[i] = w[i] * gamma_sum;
  const auto di = static_cast<std::int64_t>(d), ki = static_cast<std::int64_t>(k);
  NamedArrays<double> out;
  out.emplace("value", widened<T>({}, std::vector<T>{value}));
  out.emplace("grad_w", widened<T>({di}, grad_w));
  out.emplace("grad_b", widened<T>({}, std::vector<T>{grad_b}));
  out.emplace("grad_A", widened<T>({di, ki}, grad_A));
  out.emplace("grad_c", widened<T>({di}, grad_c));
  return out;
}

WrongVariant variant(std::string name, std::string description, std::function<rc::Gen<Case>(Dtype)> generator,
                     Bug bug) {
  return {std::move(name), std::move(description), std::move(generator), [bug](const Case& c, Dtype dtype) {
            return with_dtype(dtype, [&](auto zero) { return plain<decltype(zero)>(c, bug); });
          }};
}

std::vector<WrongVariant> wrong_variants() {
  const auto penalty = [](Dtype dtype) {
    return generate_objective(dtype, GanObjective::gradient_penalty, GanDiscriminator::logistic);
  };
  return {
      variant("no_second_derivative",
              "gradient penalty on the logistic D with D(1 - D) held constant in w and b: the sigma'' term "
              "(1 - 2D) of the second derivative is dropped, so grad_b, grad_A and grad_c come out 0",
              penalty, Bug::no_second_derivative),
      variant("saturating_generator",
              "the generator's loss taken as log(1 - D(G(z))) (the saturating minimax term) where the "
              "non-saturating -log D(G(z)) was asked",
              [](Dtype dtype) { return generate_objective(dtype, GanObjective::non_saturating, {}); },
              Bug::saturating_generator),
      variant("log_of_rounded_sigmoid",
              "minimax with log(sigmoid(t)) and log1p(-sigmoid(s)), sigmoid = 1 / (1 + exp(-u)) rounded first: "
              "D(G(z)) rounds to 1 for s > 17 (float32) or 37 (float64) and log(1 - D) becomes -inf",
              generate_large_fake_scores, Bug::log_of_rounded_sigmoid),
      variant("norm_without_sqrt", "the penalty's norm taken as ||grad_x D||^2 (the square root forgotten)",
              [](Dtype dtype) { return generate_objective(dtype, GanObjective::gradient_penalty, {}); },
              Bug::norm_without_sqrt),
      variant("mixing_wrong_side", "xhat = (1 - a) x + a G(z): the mixing weight applied to the wrong side",
              penalty, Bug::mixing_wrong_side),
      variant("wgan_sign_flipped",
              "the critic loss as mean f(x) - mean f(G(z)) (the quantity the critic maximizes) where gradref's "
              "wgan_critic is the loss it minimizes",
              [](Dtype dtype) { return generate_objective(dtype, GanObjective::wgan_critic, {}); },
              Bug::wgan_sign_flipped),
  };
}

}  // namespace

const Entry& gan_entry() {
  static const Entry entry{
      .name = op,
      .kind = "model",
      .summary = "GAN objectives (minimax, non-saturating, WGAN critic, gradient penalty) for an affine generator "
                 "and a logistic or affine discriminator; value and its gradients in w, b, A, c",
      .doc = "models/gan.md",
      .fields = fields_of<Gan>(),
      .presets = presets_of_spec<Gan>(),
      .inputs = {{"x", "[M, d]", "real samples, one per row"},
                 {"z", "[M, k]", "noise samples, one per row"},
                 {"A", "[d, k]", "the generator's weight: G(z) = A z + c"},
                 {"c", "[d]", "the generator's offset"},
                 {"w", "[d]", "the discriminator's weight: D(x) = sigmoid(w . x + b), or f(x) = w . x + b"},
                 {"b", "[]", "the discriminator's bias"},
                 {"a", "[M]", "gradient_penalty: mixing weights in [0, 1], xhat_i = a_i x_i + (1 - a_i) G(z_i)",
                  false, true}},
      .outputs = {{"value", "[]", "the objective"},
                  {"grad_w", "[d]", "d value / d w"},
                  {"grad_b", "[]", "d value / d b"},
                  {"grad_A", "[d, k]", "d value / d A (0 where the generator does not enter)"},
                  {"grad_c", "[d]", "d value / d c (0 where the generator does not enter)"}},
      .make_spec = make_spec_json<Gan>,
      .reference = run_reference,
      .fast = {},
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"value", "w", "grad_w"}, {"value", "b", "grad_b"}, {"value", "A", "grad_A"},
                    {"value", "c", "grad_c"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
