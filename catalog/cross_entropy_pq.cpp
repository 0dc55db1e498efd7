// Catalog entry for the cross-entropy H(P, Q) between the rows of p and q.
#include <algorithm>
#include <cmath>

#include "distribution_generators.hpp"
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/losses/cross_entropy_pq.hpp"
#include "gradref/reference/losses/cross_entropy_pq.hpp"

namespace gradref::catalog {
namespace {

using spec::CrossEntropyPq;
using spec::KlReduction;

CrossEntropyPq spec_of(const Case& c) { return spec_from_json<CrossEntropyPq>(c.spec, ""); }

NamedArrays<Real> run_reference(const Case& c) {
  auto r = reference::cross_entropy_pq(spec_of(c), input(c, "p"), input(c, "q"));
  NamedArrays<Real> out;
  out.emplace("loss", std::move(r.loss));
  out.emplace("grad_p", std::move(r.grad_p));
  out.emplace("grad_q", std::move(r.grad_q));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  auto r = reference::cross_entropy_pq(spec_of(c), tracked(input(c, "p"), dtype), tracked(input(c, "q"), dtype));
  NamedArrays<Real> out;
  out.emplace("loss", errors_of(r.loss));
  out.emplace("grad_p", errors_of(r.grad_p));
  out.emplace("grad_q", errors_of(r.grad_q));
  return out;
}

Shape loss_shape(const CrossEntropyPq& s, std::int64_t rows, std::int64_t classes) {
  if (s.reduction == KlReduction::none) return {rows, classes};
  return s.reduction == KlReduction::row ? Shape{rows} : Shape{};
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    const CrossEntropyPq s = spec_of(c);
    const Array<Real>& p_in = input(c, "p");
    const Array<Real>& q_in = input(c, "q");
    const auto [rows, classes] = spec::cross_entropy_pq_dims(s, p_in.shape(), q_in.shape());
    const std::vector<T> p = exact_values<T>(p_in, CrossEntropyPq::op, "p");
    const std::vector<T> q = exact_values<T>(q_in, CrossEntropyPq::op, "q");
    const Shape shape = loss_shape(s, rows, classes);
    std::vector<T> loss(static_cast<std::size_t>(element_count(shape)));
    std::vector<T> grad_p(p.size()), grad_q(q.size());
    fast::cross_entropy_pq<T>(s, p, q, rows, classes, loss, grad_p, grad_q);
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
  bool p_prob = false;        ///< p always as probabilities
  bool q_prob = false;        ///< q always as probabilities
  bool shared_zeros = false;  ///< q = 0 wherever p = 0 (prob forms), K >= 2
  bool small = false;         ///< K <= 16, N <= 4: cheap finite differences
};

rc::Gen<Case> generate_with(Dtype dtype, Draw draw) {
  return rc::gen::exec([=] {
    const auto form = [] { return *rc::gen::element(spec::Form::prob, spec::Form::log); };
    CrossEntropyPq s;
    s.p_form = draw.p_prob ? spec::Form::prob : form();
    s.q_form = draw.q_prob ? spec::Form::prob : form();
    s.reduction = *rc::gen::element(KlReduction::none, KlReduction::row, KlReduction::sum, KlReduction::mean,
                                    KlReduction::batchmean);
    const bool zeros = draw.p_rows == gen::Rows::with_zeros || draw.q_rows == gen::Rows::with_zeros;
    const std::int64_t classes = zeros        ? *rc::gen::inRange<std::int64_t>(2, 41)
                                 : draw.small ? *rc::gen::inRange<std::int64_t>(1, 17)
                                              : *gen::class_count();
    // Rows of several summation blocks come one or two at a time: the certified
    // evaluation at 4p bits and finite differences at 512 bits grow with N * K.
    const std::int64_t rows = *rc::gen::inRange(1, classes > 40 ? 3 : draw.small ? 5 : 9);
    const std::vector<double> p = *gen::distribution_rows(dtype, s.p_form, rows, classes, draw.p_rows);
    // q divides p in grad_q: no subnormal q, so that p / q stays finite.
    std::vector<double> q = *gen::distribution_rows(dtype, s.q_form, rows, classes, draw.q_rows, false);
    if (draw.shared_zeros)
      for (std::size_t k = 0; k < q.size(); ++k)
        if (p[k] == 0) q[k] = 0;
    if (s.q_form == s.p_form && draw.q_rows == gen::Rows::hard && *rc::gen::inRange(0, 6) == 0)
      q = p;  // H(P, P) = H(P)
    Case c{CrossEntropyPq::op, spec_to_json(s), {}};
    c.inputs.emplace("p", gen::real_array({rows, classes}, p));
    c.inputs.emplace("q", gen::real_array({rows, classes}, q));
    return c;
  });
}

/// Both forms and every reduction; rows normalized, one-hot, uniform, with zeros in
/// p (0 log q = 0) and in q (+inf where p > 0), tiny, unnormalized; q = p; K = 1.
rc::Gen<Case> generate(Dtype dtype) { return generate_with(dtype, {}); }

/// Strictly positive, moderate p and q: finite differences resolve every entry.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  return generate_with(dtype, {.p_rows = gen::Rows::moderate, .q_rows = gen::Rows::moderate, .small = true});
}

/// p and q as probabilities, both zero at the same entries: 0 log 0.
rc::Gen<Case> generate_shared_zeros(Dtype dtype) {
  return generate_with(dtype, {.p_rows = gen::Rows::with_zeros,
                               .q_rows = gen::Rows::moderate,
                               .p_prob = true,
                               .q_prob = true,
                               .shared_zeros = true});
}

/// p strictly positive, q as probabilities with a zero in every row: H = +inf.
rc::Gen<Case> generate_zero_mass(Dtype dtype) {
  return generate_with(dtype, {.p_rows = gen::Rows::moderate, .q_rows = gen::Rows::with_zeros, .q_prob = true});
}

Case base_case() {
  Case c{CrossEntropyPq::op, spec_to_json(CrossEntropyPq{}), {}};
  c.inputs.emplace("p", gen::real_array({2, 3}, {0.25, 0.25, 0.5, 1, 0, 0}));
  c.inputs.emplace("q", gen::real_array({2, 3}, {0.5, 0.25, 0.25, 0.5, 0.5, 0}));
  return c;
}

Case with_input(Case c, const char* name, const Shape& shape, const std::vector<double>& values) {
  c.inputs.insert_or_assign(name, gen::real_array(shape, values));
  return c;
}

Case with_spec(Case c, const char* field, Json value) {
  c.spec[field] = std::move(value);
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const Case b = base_case();
  return {
      {"unknown p_form", with_spec(b, "p_form", "logits"), "p_form"},
      {"unknown reduction", with_spec(b, "reduction", "average"), "reduction"},
      {"p of rank 1",
       with_input(with_input(b, "p", {6}, {0.25, 0.25, 0.5, 1, 0, 0}), "q", {6}, {0.5, 0.25, 0.25, 0.5, 0.5, 0}),
       "p.shape"},
      {"empty batch", with_input(with_input(b, "p", {0, 3}, {}), "q", {0, 3}, {}), "p.shape"},
      {"q shaped unlike p", with_input(b, "q", {3, 2}, {0.5, 0.25, 0.25, 0.5, 0.5, 0}), "q.shape"},
      {"negative probability in p", with_input(b, "p", {2, 3}, {0.25, 0.25, 0.5, 1, -0.5, 0}), "p[4]"},
      {"NaN in q", with_input(b, "q", {2, 3}, {0.5, std::nan(""), 0.25, 0.5, 0.5, 0}), "q[1]"},
      {"infinite probability in q", with_input(b, "q", {2, 3}, {0.5, 0.25, 0.25, 0.5, INFINITY, 0}), "q[4]"},
      {"log q = -inf (give zeros as probabilities)",
       with_spec(with_input(b, "q", {2, 3}, {-1, -2, -3, -INFINITY, -1, -1}), "q_form", "log"), "q[3]"},
      {"log p = +inf", with_spec(with_input(b, "p", {2, 3}, {-1, INFINITY, -3, 0, -1, -1}), "p_form", "log"), "p[1]"},
  };
}

/// How a plain loop gets the boundary wrong.
enum class Mistake {
  zero_times_log_zero,  ///< -p log q evaluated at p = q = 0: NaN instead of 0
  zero_mass_dropped,    ///< terms with q = 0 skipped: finite where H = +inf
  log_q_clamped,        ///< log(max(q, 1e-7)), Keras' clip: finite where H = +inf
};

template <class T>
NamedArrays<double> naive(const Case& c, Mistake mistake) {
  const CrossEntropyPq s = spec_of(c);
  const Array<Real>& p_in = input(c, "p");
  const std::int64_t rows = p_in.extent(0), classes = p_in.extent(1);
  const std::vector<T> p = exact_values<T>(p_in, CrossEntropyPq::op, "p");
  const std::vector<T> q = exact_values<T>(input(c, "q"), CrossEntropyPq::op, "q");
  const bool p_log = s.p_form == spec::Form::log, q_log = s.q_form == spec::Form::log;
  const std::int64_t divisor = spec::cross_entropy_pq_divisor(s, rows, classes);
  const T scale = T(1) / static_cast<T>(divisor), eps = T(1e-7);
  std::vector<T> terms(p.size()), row_sums(static_cast<std::size_t>(rows)), grad_p(p.size()), grad_q(p.size());
  T total = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const T prob = p_log ? std::exp(p[k]) : p[k];
    const bool clamp = mistake == Mistake::log_q_clamped;
    const T lq = q_log ? (clamp ? std::max(q[k], std::log(eps)) : q[k]) : std::log(clamp ? std::max(q[k], eps) : q[k]);
    const bool skip = (mistake != Mistake::zero_times_log_zero && !p_log && p[k] == 0) ||
                      (mistake == Mistake::zero_mass_dropped && !q_log && q[k] == 0);
    terms[k] = skip ? T(0) : -(prob * lq);
    grad_p[k] = (p_log ? terms[k] : -lq) * scale;
    grad_q[k] = (q_log ? -prob : skip ? T(0) : -(prob / q[k])) * scale;
    row_sums[k / static_cast<std::size_t>(classes)] += terms[k];
    total += terms[k];
  }
  NamedArrays<double> out;
  if (s.reduction == KlReduction::none)
    out.emplace("loss", widened<T>(p_in.shape(), terms));
  else if (s.reduction == KlReduction::row)
    out.emplace("loss", widened<T>({rows}, row_sums));
  else
    out.emplace("loss",
                Array<double>(Shape{}, std::vector<double>{static_cast<double>(total / static_cast<T>(divisor))}));
  out.emplace("grad_p", widened<T>(p_in.shape(), grad_p));
  out.emplace("grad_q", widened<T>(p_in.shape(), grad_q));
  return out;
}

WrongVariant naive_variant(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), Mistake mistake) {
  return {std::move(name), std::move(description), g, [=](const Case& c, Dtype dtype) {
            return with_dtype(dtype, [&](auto zero) { return naive<decltype(zero)>(c, mistake); });
          }};
}

std::vector<WrongVariant> wrong_variants() {
  return {
      {"arguments_swapped", "H(Q, P) where H(P, Q) is asked: the fast kernel with p and q (and their forms) exchanged",
       generate,
       [](const Case& c, Dtype dtype) {
         Case wrong = c;
         std::swap(wrong.inputs.at("p"), wrong.inputs.at("q"));
         std::swap(wrong.spec["p_form"], wrong.spec["q_form"]);
         NamedArrays<double> out = run_fast(wrong, dtype);
         std::swap(out.at("grad_p"), out.at("grad_q"));
         return out;
       }},
      naive_variant("zero_times_log_zero", "-p log q evaluated at p = q = 0: NaN instead of 0", generate_shared_zeros,
                    Mistake::zero_times_log_zero),
      naive_variant("zero_mass_dropped", "terms where q = 0 skipped: a finite H where Q has no mass under P (+inf)",
                    generate_zero_mass, Mistake::zero_mass_dropped),
      naive_variant("log_q_clamped", "log(max(q, 1e-7)), as Keras clips: a finite H where Q has no mass under P",
                    generate_zero_mass, Mistake::log_q_clamped),
  };
}

}  // namespace

const Entry& cross_entropy_pq_entry() {
  static const Entry entry{
      .name = CrossEntropyPq::op,
      .kind = "loss",
      .summary =
          "cross-entropy H(P, Q) (nats) between the rows of p and q [N, K], as probabilities or logs; "
          "loss, d loss / d p and d loss / d q",
      .doc = "losses/cross_entropy_pq.md",
      .fields = fields_of<CrossEntropyPq>(),
      .presets = presets_of_spec<CrossEntropyPq>(),
      .inputs = {{"p", "[N, K]",
                  "the true distribution P per row: probabilities (>= 0) or logs (p_form); "
                  "torch's target"},
                 {"q", "[N, K]", "the model distribution Q per row: probabilities (>= 0) or logs (q_form)"}},
      .outputs = {{"loss", "[N, K] (none), [N] (row) or []", "the terms -p log q, reduced"},
                  {"grad_p", "[N, K]", "d(sum of loss) / d p, with respect to p in its form"},
                  {"grad_q", "[N, K]", "d(sum of loss) / d q, with respect to q in its form"}},
      .make_spec = make_spec_json<CrossEntropyPq>,
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
