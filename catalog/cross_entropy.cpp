// Catalog entry for softmax cross-entropy with class-index targets.
#include <cmath>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/losses/cross_entropy.hpp"
#include "gradref/reference/losses/cross_entropy.hpp"

namespace gradref::catalog {
namespace {

using spec::CrossEntropy;

CrossEntropy spec_of(const Case& c) { return spec_from_json<CrossEntropy>(c.spec, ""); }

std::vector<std::int64_t> targets_of(const Case& c) {
  return integer_values(input(c, "target"), CrossEntropy::op, "target");
}

NamedArrays<Real> run_reference(const Case& c) {
  const auto targets = targets_of(c);
  auto r = reference::cross_entropy(spec_of(c), input(c, "logits"), targets);
  NamedArrays<Real> out;
  out.emplace("loss", std::move(r.loss));
  out.emplace("grad_logits", std::move(r.grad_logits));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const auto targets = targets_of(c);
  auto r = reference::cross_entropy(spec_of(c), tracked(input(c, "logits"), dtype), targets);
  NamedArrays<Real> out;
  out.emplace("loss", errors_of(r.loss));
  out.emplace("grad_logits", errors_of(r.grad_logits));
  return out;
}

Shape loss_shape(const CrossEntropy& s, std::int64_t rows) {
  return s.reduction == spec::Reduction::none ? Shape{rows} : Shape{};
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    const CrossEntropy s = spec_of(c);
    const Array<Real>& logits_in = input(c, "logits");
    const auto targets = targets_of(c);
    const auto [rows, classes] =
        spec::cross_entropy_dims(s, logits_in.shape(), input(c, "target").shape());
    const std::vector<T> logits = exact_values<T>(logits_in, CrossEntropy::op, "logits");
    std::vector<T> loss(static_cast<std::size_t>(element_count(loss_shape(s, rows))));
    std::vector<T> grad(logits.size());
    fast::cross_entropy<T>(s, logits, rows, classes, targets, loss, grad);
    NamedArrays<double> out;
    out.emplace("loss", widened<T>(loss_shape(s, rows), loss));
    out.emplace("grad_logits", widened<T>(logits_in.shape(), grad));
    return out;
  });
}

/// Logits a float kernel must handle: ordinary, large (to 1e4), ties, one dominant class.
rc::Gen<Case> generate_with(Dtype dtype, rc::Gen<double> logit) {
  return rc::gen::exec([dtype, logit] {
    CrossEntropy s;
    s.reduction = *rc::gen::element(spec::Reduction::mean, spec::Reduction::sum, spec::Reduction::none);
    const std::int64_t rows = *rc::gen::inRange(1, 9);
    const std::int64_t classes = *rc::gen::weightedOneOf<std::int64_t>(
        {{1, rc::gen::just<std::int64_t>(1)}, {6, rc::gen::inRange<std::int64_t>(2, 40)}, {1, rc::gen::inRange<std::int64_t>(60, 200)}});
    std::vector<double> z = *gen::values(rows * classes, logit);
    const int pattern = *rc::gen::inRange(0, 4);
    for (std::int64_t i = 0; i < rows; ++i) {
      double* row = z.data() + i * classes;
      if (pattern == 1) std::fill(row, row + classes, row[0]);                   // every class tied
      if (pattern == 2) row[classes / 2] = gen::in_dtype(row[classes / 2] + 60, dtype);  // one dominant class
    }
    std::vector<double> y(static_cast<std::size_t>(rows));
    for (auto& t : y) t = static_cast<double>(*rc::gen::inRange<std::int64_t>(0, classes));
    Case c{CrossEntropy::op, spec_to_json(s), {}};
    c.inputs.emplace("logits", gen::real_array({rows, classes}, z));
    c.inputs.emplace("target", gen::real_array({rows}, y));
    return c;
  });
}

rc::Gen<Case> generate(Dtype dtype) {
  const auto logit = rc::gen::weightedOneOf<double>(
      {{6, gen::ordinary(dtype, -2, 1)},
       {1, rc::gen::map(gen::ordinary(dtype, 3, 3), [dtype](double x) { return gen::in_dtype(10 * x, dtype); })},  // |z| up to 1e4
       {1, gen::hard(dtype, 1e4)}});
  return generate_with(dtype, logit);
}

/// Logits within 10 of each other (plus ties and a class 60 ahead): every gradient
/// entry is above e^-80, which 512-bit finite differences resolve to 40 digits.
rc::Gen<Case> generate_moderate(Dtype dtype) { return generate_with(dtype, gen::ordinary(dtype, -2, 1)); }

/// Logits large enough that exp overflows without the max shift.
rc::Gen<Case> generate_large(Dtype dtype) {
  const double lo = dtype == Dtype::float32 ? 100 : 800;
  return generate_with(dtype, rc::gen::map(rc::gen::inRange(0, 1000), [dtype, lo](int k) {
                         return gen::in_dtype(lo + k * lo / 100, dtype);
                       }));
}

Case base_case() {
  Case c{CrossEntropy::op, spec_to_json(CrossEntropy{}), {}};
  c.inputs.emplace("logits", gen::real_array({2, 3}, {1, 2, 3, -1, 0, 1}));
  c.inputs.emplace("target", gen::real_array({2}, {0, 2}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  std::vector<InvalidCase> out;
  Case c = base_case();
  c.spec["reduction"] = "average";
  out.push_back({"unknown reduction", c, "reduction"});
  c = base_case();
  c.inputs.insert_or_assign("logits", gen::real_array({3}, {1, 2, 3}));
  out.push_back({"logits of rank 1", c, "logits.shape"});
  c = base_case();
  c.inputs.insert_or_assign("logits", gen::real_array({0, 3}, {}));
  c.inputs.insert_or_assign("target", gen::real_array({0}, {}));
  out.push_back({"empty batch", c, "logits.shape"});
  c = base_case();
  c.inputs.insert_or_assign("target", gen::real_array({3}, {0, 1, 2}));
  out.push_back({"one target too many", c, "target.shape"});
  c = base_case();
  c.inputs.insert_or_assign("target", gen::real_array({2}, {0, 3}));
  out.push_back({"class index = C", c, "target[1]"});
  c = base_case();
  c.inputs.insert_or_assign("target", gen::real_array({2}, {-1, 0}));
  out.push_back({"negative class index", c, "target[0]"});
  c = base_case();
  c.inputs.insert_or_assign("target", gen::real_array({2}, {0, 0.5}));
  out.push_back({"fractional class index", c, "target[1]"});
  return out;
}

/// Plain loops a user might write, each with one classic mistake.
template <class T>
NamedArrays<double> naive(const Case& c, bool shift, bool divide_by_classes, bool normalize) {
  const CrossEntropy s = spec_of(c);
  const Array<Real>& logits_in = input(c, "logits");
  const auto targets = targets_of(c);
  const std::int64_t rows = logits_in.extent(0), classes = logits_in.extent(1);
  const std::vector<T> z = exact_values<T>(logits_in, CrossEntropy::op, "logits");
  const T scale = s.reduction == spec::Reduction::mean ? T(1) / T(divide_by_classes ? classes : rows) : T(1);
  std::vector<T> loss(static_cast<std::size_t>(rows)), grad(z.size());
  for (std::int64_t i = 0; i < rows; ++i) {
    const T* row = z.data() + i * classes;
    const T m = shift ? *std::max_element(row, row + classes) : T(0);
    T total = 0;
    for (std::int64_t j = 0; j < classes; ++j) total += std::exp(row[j] - m);
    loss[static_cast<std::size_t>(i)] = std::log(total) + m - row[targets[static_cast<std::size_t>(i)]];
    for (std::int64_t j = 0; j < classes; ++j) {
      const T p = normalize ? std::exp(row[j] - m) / total : std::exp(row[j] - m);
      grad[static_cast<std::size_t>(i * classes + j)] = (p - T(j == targets[static_cast<std::size_t>(i)])) * scale;
    }
  }
  NamedArrays<double> out;
  T total = 0;
  for (T l : loss) total += l;
  if (s.reduction == spec::Reduction::none)
    out.emplace("loss", widened<T>({rows}, loss));
  else
    out.emplace("loss", Array<double>(Shape{}, std::vector<double>{static_cast<double>(total * scale)}));
  out.emplace("grad_logits", widened<T>(logits_in.shape(), grad));
  return out;
}

WrongVariant naive_variant(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), bool shift,
                           bool by_classes, bool normalize) {
  return {std::move(name), std::move(description), g, [=](const Case& c, Dtype dtype) {
            return with_dtype(dtype, [&](auto zero) { return naive<decltype(zero)>(c, shift, by_classes, normalize); });
          }};
}

rc::Gen<Case> generate_mean(Dtype dtype) {
  return rc::gen::map(generate(dtype), [](Case c) {
    c.spec["reduction"] = "mean";
    return c;
  });
}

std::vector<WrongVariant> wrong_variants() {
  return {
      naive_variant("no_max_shift", "log(sum(exp(z))) without subtracting the row max: overflows on large logits",
                    generate_large, false, false, true),
      naive_variant("mean_over_classes", "the mean divides by C instead of N", generate_mean, true, true, true),
      naive_variant("gradient_without_softmax", "gradient exp(z - max) - onehot, never divided by the sum",
                    generate, true, false, false),
  };
}

}  // namespace

const Entry& cross_entropy_entry() {
  static const Entry entry{
      .name = CrossEntropy::op,
      .kind = "loss",
      .summary = "softmax cross-entropy on logits [N, C] with class-index targets; loss and d loss / d logits",
      .doc = "losses/cross_entropy.md",
      .fields = fields_of<CrossEntropy>(),
      .presets = presets_of_spec<CrossEntropy>(),
      .inputs = {{"logits", "[N, C]", "unnormalized log-probabilities"},
                 {"target", "[N]", "class index of each row, in [0, C)", true}},
      .outputs = {{"loss", "[] or [N] (reduction none)", "the reduced loss"},
                  {"grad_logits", "[N, C]", "d(sum of loss) / d logits"}},
      .make_spec = make_spec_json<CrossEntropy>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"loss", "logits", "grad_logits"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
