// Catalog entry for the Kullback-Leibler divergence between the rows of p and q.
#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include "case_edits.hpp"
#include "distribution_generators.hpp"
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/losses/kl_divergence.hpp"
#include "gradref/reference/losses/kl_divergence.hpp"
#include "run_in_dtype.hpp"

namespace gradref::catalog {
namespace {

using spec::KlDivergence;
using spec::KlReduction;

KlDivergence spec_of(const Case& c) { return spec_from_json<KlDivergence>(c.spec, ""); }

NamedArrays<Real> run_reference(const Case& c) {
  auto r = reference::kl_divergence(spec_of(c), input(c, "p"), input(c, "q"));
  NamedArrays<Real> out;
  out.emplace("loss", std::move(r.loss));
  out.emplace("grad_p", std::move(r.grad_p));
  out.emplace("grad_q", std::move(r.grad_q));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  auto r = reference::kl_divergence(spec_of(c), tracked(input(c, "p"), dtype), tracked(input(c, "q"), dtype));
  NamedArrays<Real> out;
  out.emplace("loss", errors_of(r.loss));
  out.emplace("grad_p", errors_of(r.grad_p));
  out.emplace("grad_q", errors_of(r.grad_q));
  return out;
}

Shape loss_shape(const KlDivergence& s, std::int64_t rows, std::int64_t classes) {
  if (s.reduction == KlReduction::none) return {rows, classes};
  return s.reduction == KlReduction::row ? Shape{rows} : Shape{};
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    const KlDivergence s = spec_of(c);
    const Array<Real>& p_in = input(c, "p");
    const Array<Real>& q_in = input(c, "q");
    const auto [rows, classes] = spec::kl_divergence_dims(s, p_in.shape(), q_in.shape());
    const std::vector<T> p = exact_values<T>(p_in, KlDivergence::op, "p");
    const std::vector<T> q = exact_values<T>(q_in, KlDivergence::op, "q");
    const Shape shape = loss_shape(s, rows, classes);
    std::vector<T> loss(static_cast<std::size_t>(element_count(shape)));
    std::vector<T> grad_p(p.size()), grad_q(q.size());
    fast::kl_divergence<T>(s, p, q, rows, classes, loss, grad_p, grad_q);
    NamedArrays<double> out;
    out.emplace("loss", widened<T>(shape, loss));
    out.emplace("grad_p", widened<T>(p_in.shape(), grad_p));
    out.emplace("grad_q", widened<T>(q_in.shape(), grad_q));
    return out;
  });
}

struct Draw {
  gen::Rows p_rows = gen::Rows::hard;
  gen::Rows q_rows = gen::Rows::hard;
  bool p_prob = false;    ///< p always as probabilities
  bool q_log = false;     ///< q always as log-probabilities
  bool batchmean = false; ///< reduction always batchmean, K >= 2
  int clip_weight = 1;    ///< clip in 1 of (1 + 3) prob/prob cases (0: never; -1: always, Keras' float32 bounds)
};

/// Clip bounds exact in the dtype: Keras' float32 ones (and the double 1e-7 in
/// float64 only: it is not a float32), or 2^-k and 1 - 2^-j or 1.
rc::Gen<std::pair<double, double>> clip_bounds(Dtype dtype) {
  using Bounds = std::pair<double, double>;
  return rc::gen::weightedOneOf<Bounds>({
      {3, rc::gen::just(Bounds{spec::keras_epsilon_float32, 1.0})},
      {dtype == Dtype::float64 ? 1u : 0u, rc::gen::just(Bounds{spec::keras_epsilon_float64, 1.0})},
      {1, rc::gen::map(rc::gen::tuple(rc::gen::inRange(2, 60), rc::gen::inRange(2, 25)),
                       [](const std::tuple<int, int>& t) {
                         const int j = std::get<1>(t);
                         return Bounds{std::ldexp(1.0, -std::get<0>(t)), j == 24 ? 1.0 : 1.0 - std::ldexp(1.0, -j)};
                       })},
  });
}

/// The hard values of a clip to [lo, hi] in the dtype: each bound, its neighbours
/// just inside and just outside, 0 and 1 (and 2, above any bound).
rc::Gen<double> near_bounds(Dtype dtype, double lo, double hi) {
  const auto step = [dtype](double x, double to) {
    const double next = dtype == Dtype::float32
                            ? static_cast<double>(std::nextafter(static_cast<float>(x), static_cast<float>(to)))
                            : std::nextafter(x, to);
    return std::max(next, 0.0);
  };
  return rc::gen::element(lo, step(lo, 1.0), step(lo, 0.0), hi, step(hi, 0.0), step(hi, 2.0), 0.0, 1.0, 2.0);
}

rc::Gen<Case> generate_with(Dtype dtype, Draw draw) {
  return rc::gen::exec([=] {
    const auto form = [] { return *rc::gen::element(spec::Form::prob, spec::Form::log); };
    KlDivergence s;
    s.p_form = draw.p_prob || draw.clip_weight < 0 ? spec::Form::prob : form();
    s.q_form = draw.q_log ? spec::Form::log : draw.clip_weight < 0 ? spec::Form::prob : form();
    if (s.p_form == spec::Form::prob && s.q_form == spec::Form::prob && draw.clip_weight != 0) {
      s.clip = draw.clip_weight < 0 || *rc::gen::inRange(0, 1 + 3 * draw.clip_weight) == 0;
      if (s.clip)
        std::tie(s.clip_low, s.clip_high) = draw.clip_weight < 0
                                                ? std::pair<double, double>{spec::keras_epsilon_float32, 1.0}
                                                : *clip_bounds(dtype);
    }
    s.reduction = draw.batchmean ? KlReduction::batchmean
                                 : *rc::gen::element(KlReduction::none, KlReduction::row, KlReduction::sum,
                                                     KlReduction::mean, KlReduction::batchmean);
    const std::int64_t rows = *rc::gen::inRange(1, 9);
    const std::int64_t classes =
        draw.batchmean || draw.p_rows == gen::Rows::with_zeros ? *rc::gen::inRange<std::int64_t>(2, 41)
                                                                : *gen::class_count();
    std::vector<double> p = *gen::distribution_rows(dtype, s.p_form, rows, classes, draw.p_rows);
    // q divides p in grad_q: no subnormal q, so that p / q stays finite.
    std::vector<double> q = *gen::distribution_rows(dtype, s.q_form, rows, classes, draw.q_rows, false);
    if (s.q_form == s.p_form && draw.q_rows == gen::Rows::hard && *rc::gen::inRange(0, 6) == 0) {
      // q = p: a zero divergence, or q = p in all but one entry.
      q = p;
      const auto k = static_cast<std::size_t>(*rc::gen::inRange<std::int64_t>(0, rows * classes));
      if (*rc::gen::inRange(0, 2) == 0 && std::abs(q[k]) > 1e-20) q[k] = gen::in_dtype(q[k] * 1.000001, dtype);
    }
    const bool moderate = draw.p_rows == gen::Rows::moderate && draw.q_rows == gen::Rows::moderate;
    if (s.clip && !moderate) {
      // Values at, just inside and just outside the bounds, 0, 1 and 2.
      for (std::vector<double>* values : {&p, &q})
        for (double& x : *values)
          if (*rc::gen::inRange(0, 3) == 0) x = *near_bounds(dtype, s.clip_low, s.clip_high);
    }
    if (s.clip && moderate) {
      // Finite differences must not step across a bound: no clip if a value is near one.
      for (const std::vector<double>* values : {&p, &q})
        for (double x : *values)
          if (x <= 2 * s.clip_low || x >= s.clip_high * (1 - 1e-3)) s.clip = false;
      if (!s.clip) s = KlDivergence{.p_form = s.p_form, .q_form = s.q_form, .reduction = s.reduction};
    }
    Case c{KlDivergence::op, spec_to_json(s), {}};
    c.inputs.emplace("p", gen::real_array({rows, classes}, p));
    c.inputs.emplace("q", gen::real_array({rows, classes}, q));
    return c;
  });
}

/// Normalized, one-hot, uniform rows, zeros in p (0 log 0) and in q (+inf where
/// p > 0), tiny probabilities, unnormalized weights, q = p, K = 1, every form and
/// reduction.
rc::Gen<Case> generate(Dtype dtype) { return generate_with(dtype, {}); }

/// Strictly positive, moderate p and q: finite differences resolve every entry.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  return generate_with(dtype, {.p_rows = gen::Rows::moderate, .q_rows = gen::Rows::moderate});
}

/// p as probabilities with a zero in every row, q strictly positive.
rc::Gen<Case> generate_p_zeros(Dtype dtype) {
  return generate_with(dtype, {.p_rows = gen::Rows::with_zeros, .q_rows = gen::Rows::moderate, .p_prob = true,
                               .clip_weight = 0});
}

rc::Gen<Case> generate_log_q(Dtype dtype) { return generate_with(dtype, {.q_log = true}); }

rc::Gen<Case> generate_batchmean(Dtype dtype) {
  return generate_with(dtype, {.q_rows = gen::Rows::moderate, .batchmean = true, .clip_weight = 0});
}

/// Keras' float32 clip and reduction (batchmean, K from 2 to 40) always, values
/// often at, beside and beyond the bounds.
rc::Gen<Case> generate_keras(Dtype dtype) { return generate_with(dtype, {.batchmean = true, .clip_weight = -1}); }

/// `c` with the values of input `name` replaced by their clip to the spec's bounds.
void clip_values(Case& c, const char* name) {
  const KlDivergence s = spec_of(c);
  for (Real& x : c.inputs.at(name).span()) {
    if (x < Real(s.clip_low)) x = Real(s.clip_low);
    if (x > Real(s.clip_high)) x = Real(s.clip_high);
  }
}

Case base_case() {
  Case c{KlDivergence::op, spec_to_json(KlDivergence{}), {}};
  c.inputs.emplace("p", gen::real_array({2, 3}, {0.25, 0.25, 0.5, 1, 0, 0}));
  c.inputs.emplace("q", gen::real_array({2, 3}, {0.5, 0.25, 0.25, 0.5, 0.5, 0}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const Case b = base_case();
  return {
      {"unknown q_form", with_spec(b, "q_form", "logits"), "q_form"},
      {"unknown reduction", with_spec(b, "reduction", "average"), "reduction"},
      {"clip with q as logs", with_spec(with_spec(b, "clip", true), "q_form", "log"), "clip"},
      {"clip_low above clip_high", with_spec(with_spec(b, "clip_low", 0.75), "clip_high", 0.5), "clip_high"},
      {"negative clip_low", with_spec(b, "clip_low", -0.5), "clip_low"},
      {"p of rank 1",
       with_input(with_input(b, "p", {6}, {0.25, 0.25, 0.5, 1, 0, 0}), "q", {6}, {0.5, 0.25, 0.25, 0.5, 0.5, 0}),
       "p.shape"},
      {"empty batch", with_input(with_input(b, "p", {0, 3}, {}), "q", {0, 3}, {}), "p.shape"},
      {"q shaped unlike p", with_input(b, "q", {3, 2}, {0.5, 0.25, 0.25, 0.5, 0.5, 0}), "q.shape"},
      {"negative probability in p", with_input(b, "p", {2, 3}, {0.25, 0.25, 0.5, 1, -0.5, 0}), "p[4]"},
      {"NaN in q", with_input(b, "q", {2, 3}, {0.5, NAN, 0.25, 0.5, 0.5, 0}), "q[1]"},
      {"infinite probability in q", with_input(b, "q", {2, 3}, {0.5, 0.25, 0.25, 0.5, INFINITY, 0}), "q[4]"},
      {"log q = -inf (give zeros as probabilities)",
       with_input(with_spec(b, "q_form", "log"), "q", {2, 3}, {-1, -2, -3, -INFINITY, -1, -1}), "q[3]"},
      {"log p = +inf", with_input(with_spec(b, "p_form", "log"), "p", {2, 3}, {-1, INFINITY, -3, 0, -1, -1}),
       "p[1]"},
  };
}

/// The plain loop a user might write, with one mistake: p * (log p - log q) at
/// p = 0 (NaN instead of 0), or the gradient with respect to log q written as the
/// one with respect to q, -p / q, missing the chain-rule factor q.
template <class T>
NamedArrays<double> naive(const Case& c, bool zero_rule, bool chain_rule) {
  const KlDivergence s = spec_of(c);
  const Array<Real>& p_in = input(c, "p");
  const std::int64_t rows = p_in.extent(0), classes = p_in.extent(1);
  const std::vector<T> p = exact_values<T>(p_in, KlDivergence::op, "p");
  const std::vector<T> q = exact_values<T>(input(c, "q"), KlDivergence::op, "q");
  const bool p_log = s.p_form == spec::Form::log, q_log = s.q_form == spec::Form::log;
  const std::int64_t divisor = spec::kl_divisor(s, rows, classes);
  const T scale = T(1) / static_cast<T>(divisor);
  std::vector<T> terms(p.size()), row_sums(static_cast<std::size_t>(rows)), grad_p(p.size()), grad_q(p.size());
  T total = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const T prob = p_log ? std::exp(p[k]) : p[k];
    const T lp = p_log ? p[k] : std::log(p[k]), lq = q_log ? q[k] : std::log(q[k]);
    const bool skip = zero_rule && !p_log && p[k] == 0;
    terms[k] = skip ? T(0) : prob * (lp - lq);
    grad_p[k] = (p_log ? prob * (lp - lq + 1) : lp - lq + 1) * scale;
    const T dq = skip ? T(0) : -prob / (q_log ? std::exp(q[k]) : q[k]);
    grad_q[k] = (q_log && chain_rule ? -prob : dq) * scale;
    row_sums[k / static_cast<std::size_t>(classes)] += terms[k];
    total += terms[k];
  }
  NamedArrays<double> out;
  if (s.reduction == KlReduction::none)
    out.emplace("loss", widened<T>(p_in.shape(), terms));
  else if (s.reduction == KlReduction::row)
    out.emplace("loss", widened<T>({rows}, row_sums));
  else
    out.emplace("loss", Array<double>(Shape{}, std::vector<double>{static_cast<double>(total / static_cast<T>(divisor))}));
  out.emplace("grad_p", widened<T>(p_in.shape(), grad_p));
  out.emplace("grad_q", widened<T>(p_in.shape(), grad_q));
  return out;
}

WrongVariant naive_variant(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), bool zero_rule,
                           bool chain_rule) {
  return {std::move(name), std::move(description), g,
          run_in_dtype([=](const Case& c, auto zero) { return naive<decltype(zero)>(c, zero_rule, chain_rule); })};
}

/// The fast kernel on an altered case, its outputs reported for the original.
WrongVariant altered(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), void (*alter)(Case&)) {
  return {std::move(name), std::move(description), g, [alter](const Case& c, Dtype dtype) {
            Case wrong = c;
            alter(wrong);
            return run_fast(wrong, dtype);
          }};
}

std::vector<WrongVariant> wrong_variants() {
  WrongVariant double_bound{
      "keras_double_bound",
      "Keras' float32 clip taken at the double 1e-7 instead of float32(1e-7) = 1.0000000117e-7 (a relative "
      "1.2e-8, below float32's resolution of these terms: float64 only)",
      generate_keras, [](const Case& c, Dtype dtype) {
        Case wrong = c;
        wrong.spec["clip_low"] = spec::keras_epsilon_float64;
        return run_fast(wrong, dtype);
      }};
  double_bound.dtypes = {Dtype::float64};
  return {
      double_bound,
      altered("clip_gradient_passed", "the gradients not zeroed where p or q lies outside the clip (the clipped "
              "values as inputs)", generate_keras,
              [](Case& c) {
                clip_values(c, "p");
                clip_values(c, "q");
              }),
      altered("clip_only_q", "only y_pred (q) clipped, y_true (p) used as given", generate_keras,
              [](Case& c) {
                clip_values(c, "q");
                c.spec["clip"] = false;
              }),
      altered("arguments_swapped", "D_KL(Q || P) where D_KL(P || Q) is asked", generate,
              [](Case& c) {
                std::swap(c.inputs.at("p"), c.inputs.at("q"));
                std::swap(c.spec["p_form"], c.spec["q_form"]);
              }),
      naive_variant("no_zero_convention", "p (log p - log q) evaluated at p = 0: NaN instead of 0",
                    generate_p_zeros, false, true),
      altered("mean_for_batchmean", "torch's 'mean' (divide by N * K) where 'batchmean' (divide by N) is asked",
              generate_batchmean, [](Case& c) { c.spec["reduction"] = "mean"; }),
      naive_variant("log_q_gradient_without_chain_rule",
                    "the gradient with respect to log q given as -p / q, the one with respect to q",
                    generate_log_q, true, false),
  };
}

}  // namespace

const Entry& kl_divergence_entry() {
  static const Entry entry{
      .name = KlDivergence::op,
      .kind = "loss",
      .summary = "KL divergence D(P || Q) (nats) between the rows of p and q [N, K], as probabilities or logs; "
                 "loss, d loss / d p and d loss / d q",
      .doc = "losses/kl_divergence.md",
      .fields = fields_of<KlDivergence>(),
      .presets = presets_of_spec<KlDivergence>(),
      .inputs = {{"p", "[N, K]", "the reference distribution P per row: probabilities (>= 0) or logs (p_form); "
                                 "torch's target"},
                 {"q", "[N, K]", "the approximating distribution Q per row: probabilities (>= 0) or logs "
                                 "(q_form); torch's input"}},
      .outputs = {{"loss", "[N, K] (none), [N] (row) or []", "the terms p (log p - log q), reduced"},
                  {"grad_p", "[N, K]", "d(sum of loss) / d p, with respect to p in its form"},
                  {"grad_q", "[N, K]", "d(sum of loss) / d q, with respect to q in its form"}},
      .make_spec = make_spec_json<KlDivergence>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"loss", "p", "grad_p"}, {"loss", "q", "grad_q"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
