// Catalog entry for the Shannon entropy of the rows of p.
#include <cmath>

#include "case_edits.hpp"
#include "distribution_generators.hpp"
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/losses/entropy.hpp"
#include "gradref/reference/losses/entropy.hpp"
#include "run_in_dtype.hpp"

namespace gradref::catalog {
namespace {

using spec::Entropy;

Entropy spec_of(const Case& c) { return spec_from_json<Entropy>(c.spec, ""); }

NamedArrays<Real> run_reference(const Case& c) {
  auto r = reference::entropy(spec_of(c), input(c, "p"));
  NamedArrays<Real> out;
  out.emplace("loss", std::move(r.loss));
  out.emplace("grad_p", std::move(r.grad_p));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  auto r = reference::entropy(spec_of(c), tracked(input(c, "p"), dtype));
  NamedArrays<Real> out;
  out.emplace("loss", errors_of(r.loss));
  out.emplace("grad_p", errors_of(r.grad_p));
  return out;
}

Shape loss_shape(const Entropy& s, std::int64_t rows) {
  return s.reduction == spec::Reduction::none ? Shape{rows} : Shape{};
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    const Entropy s = spec_of(c);
    const Array<Real>& p_in = input(c, "p");
    const auto [rows, classes] = spec::entropy_dims(s, p_in.shape());
    const std::vector<T> p = exact_values<T>(p_in, Entropy::op, "p");
    std::vector<T> loss(static_cast<std::size_t>(element_count(loss_shape(s, rows))));
    std::vector<T> grad(p.size());
    fast::entropy<T>(s, p, rows, classes, loss, grad);
    NamedArrays<double> out;
    out.emplace("loss", widened<T>(loss_shape(s, rows), loss));
    out.emplace("grad_p", widened<T>(p_in.shape(), grad));
    return out;
  });
}

/// Rows drawn as `kind` says, in a random form (prob only when `prob_only`) and reduction.
rc::Gen<Case> generate_with(Dtype dtype, gen::Rows kind, bool prob_only) {
  return rc::gen::exec([=] {
    Entropy s;
    s.p_form = prob_only ? spec::Form::prob : *rc::gen::element(spec::Form::prob, spec::Form::log);
    s.reduction = *rc::gen::element(spec::Reduction::none, spec::Reduction::sum, spec::Reduction::mean);
    const std::int64_t rows = *rc::gen::inRange(1, 9);
    const std::int64_t classes = kind == gen::Rows::with_zeros ? *rc::gen::inRange<std::int64_t>(2, 41)
                                                               : *gen::class_count();
    const std::vector<double> p = *gen::distribution_rows(dtype, s.p_form, rows, classes, kind);
    Case c{Entropy::op, spec_to_json(s), {}};
    c.inputs.emplace("p", gen::real_array({rows, classes}, p));
    return c;
  });
}

/// Normalized, one-hot, uniform rows, zeros (0 log 0), tiny and subnormal
/// probabilities, unnormalized weights, K = 1; log-probabilities down to a subnormal p.
rc::Gen<Case> generate(Dtype dtype) { return generate_with(dtype, gen::Rows::hard, false); }

/// Strictly positive, moderate p: finite differences resolve every gradient entry.
rc::Gen<Case> generate_moderate(Dtype dtype) { return generate_with(dtype, gen::Rows::moderate, false); }

/// Probabilities with a zero in every row: where 0 log 0 must be 0.
rc::Gen<Case> generate_zeros(Dtype dtype) { return generate_with(dtype, gen::Rows::with_zeros, true); }

Case base_case() {
  Case c{Entropy::op, spec_to_json(Entropy{}), {}};
  c.inputs.emplace("p", gen::real_array({2, 3}, {0.25, 0.25, 0.5, 1, 0, 0}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const Case b = base_case();
  const Case log_form = with_spec(b, "p_form", "log");
  return {
      {"unknown p_form", with_spec(b, "p_form", "logits"), "p_form"},
      {"unknown reduction", with_spec(b, "reduction", "batchmean"), "reduction"},
      {"p of rank 1", with_input(b, "p", {3}, {0.25, 0.25, 0.5}), "p.shape"},
      {"empty batch", with_input(b, "p", {0, 3}, {}), "p.shape"},
      {"no classes", with_input(b, "p", {2, 0}, {}), "p.shape"},
      {"negative probability", with_input(b, "p", {2, 3}, {0.25, -0.25, 1, 1, 0, 0}), "p[1]"},
      {"infinite probability", with_input(b, "p", {2, 3}, {0.25, 0.25, 0.5, 1, 0, INFINITY}), "p[5]"},
      {"NaN probability", with_input(b, "p", {2, 3}, {0.25, 0.25, 0.5, NAN, 0, 0}), "p[3]"},
      {"log-probability -inf (give zeros as probabilities)",
       with_input(log_form, "p", {2, 3}, {-1, -2, -INFINITY, 0, -1, -1}), "p[2]"},
      {"NaN log-probability", with_input(log_form, "p", {2, 3}, {-1, -2, -3, 0, -1, NAN}), "p[5]"},
  };
}

/// The plain loop a user might write, with one mistake: logarithms to base 2 (bits,
/// not nats), or p * log p evaluated at p = 0 (NaN instead of 0 log 0 = 0).
template <class T>
NamedArrays<double> naive(const Case& c, bool base2, bool zero_rule) {
  const Entropy s = spec_of(c);
  const Array<Real>& p_in = input(c, "p");
  const std::int64_t rows = p_in.extent(0), classes = p_in.extent(1);
  const std::vector<T> p = exact_values<T>(p_in, Entropy::op, "p");
  const auto log_of = [base2](T x) { return base2 ? std::log2(x) : std::log(x); };
  const bool log_form = s.p_form == spec::Form::log;
  const T scale = s.reduction == spec::Reduction::mean ? T(1) / static_cast<T>(rows) : T(1);
  std::vector<T> loss(static_cast<std::size_t>(rows)), grad(p.size());
  for (std::int64_t i = 0; i < rows; ++i) {
    T h = 0;
    for (std::int64_t k = i * classes; k < (i + 1) * classes; ++k) {
      const T x = p[static_cast<std::size_t>(k)];
      const T prob = log_form ? std::exp(x) : x;
      const T l = log_form ? (base2 ? x / std::log(T(2)) : x) : log_of(x);
      if (!(zero_rule && prob == 0)) h -= prob * l;
      grad[static_cast<std::size_t>(k)] = (log_form ? -(l + 1) * prob : -(l + 1)) * scale;
    }
    loss[static_cast<std::size_t>(i)] = h;
  }
  NamedArrays<double> out;
  if (s.reduction == spec::Reduction::none) {
    out.emplace("loss", widened<T>({rows}, loss));
  } else {
    T total = 0;
    for (T h : loss) total += h;
    if (s.reduction == spec::Reduction::mean) total /= static_cast<T>(rows);
    out.emplace("loss", Array<double>(Shape{}, std::vector<double>{static_cast<double>(total)}));
  }
  out.emplace("grad_p", widened<T>(p_in.shape(), grad));
  return out;
}

WrongVariant naive_variant(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), bool base2,
                           bool zero_rule) {
  return {std::move(name), std::move(description), g,
          run_in_dtype([=](const Case& c, auto zero) { return naive<decltype(zero)>(c, base2, zero_rule); })};
}

std::vector<WrongVariant> wrong_variants() {
  return {
      naive_variant("log2_instead_of_ln", "entropy in bits (log2) where nats (natural log) are asked", generate,
                    true, true),
      naive_variant("no_zero_convention", "p * log p evaluated at p = 0: NaN instead of 0 log 0 = 0",
                    generate_zeros, false, false),
  };
}

}  // namespace

const Entry& entropy_entry() {
  static const Entry entry{
      .name = Entropy::op,
      .kind = "loss",
      .summary = "Shannon entropy (nats) of each row of p [N, K], as probabilities or logs; H and d H / d p",
      .doc = "losses/entropy.md",
      .fields = fields_of<Entropy>(),
      .presets = presets_of_spec<Entropy>(),
      .inputs = {{"p", "[N, K]", "one distribution per row: probabilities (>= 0) or log-probabilities (p_form)"}},
      .outputs = {{"loss", "[N] (reduction none) or []", "the entropies, reduced"},
                  {"grad_p", "[N, K]", "d(sum of loss) / d p, with respect to p in its form"}},
      .make_spec = make_spec_json<Entropy>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"loss", "p", "grad_p"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
