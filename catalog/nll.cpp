// Catalog entry for the negative log-likelihood with class-index targets.
#include <cmath>
#include <optional>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/losses/nll.hpp"
#include "gradref/reference/losses/nll.hpp"

namespace gradref::catalog {
namespace {

using spec::Nll;

Nll spec_of(const Case& c) { return spec_from_json<Nll>(c.spec, ""); }

const Array<Real>* weight_of(const Case& c) {
  auto it = c.inputs.find("weight");
  return it == c.inputs.end() ? nullptr : &it->second;
}

Array<std::int64_t> targets_of(const Case& c) {
  const Array<Real>& t = input(c, "target");
  return Array<std::int64_t>(t.shape(), integer_values(t, Nll::op, "target"));
}

NamedArrays<Real> run_reference(const Case& c) {
  auto r = reference::nll(spec_of(c), input(c, "input"), targets_of(c), weight_of(c));
  NamedArrays<Real> out;
  out.emplace("loss", std::move(r.loss));
  out.emplace("grad_input", std::move(r.grad_input));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  std::optional<Array<Tracked>> weight;
  if (const Array<Real>* w = weight_of(c)) weight = tracked(*w, dtype);
  auto r = reference::nll(spec_of(c), tracked(input(c, "input"), dtype), targets_of(c), weight ? &*weight : nullptr);
  NamedArrays<Real> out;
  out.emplace("loss", errors_of(r.loss));
  out.emplace("grad_input", errors_of(r.grad_input));
  return out;
}

/// The fast kernel on `c` under spec `s`.
template <class T>
NamedArrays<double> fast_with(const Nll& s, const Case& c) {
  const Array<Real>& input_in = input(c, "input");
  const Array<Real>* weight_in = weight_of(c);
  const Array<std::int64_t> target = targets_of(c);
  const spec::ClassLayout layout =
      spec::nll_layout(s, input_in.shape(), target.shape(), weight_in ? &weight_in->shape() : nullptr);
  const std::vector<T> x = exact_values<T>(input_in, Nll::op, "input");
  const std::vector<T> w = weight_in ? exact_values<T>(*weight_in, Nll::op, "weight") : std::vector<T>{};
  const Shape loss_shape = spec::reduced_loss_shape(s.reduction, layout);
  std::vector<T> loss(static_cast<std::size_t>(element_count(loss_shape))), grad(x.size());
  fast::nll<T>(s, input_in.shape(), x, target.span(), w, loss, grad);
  NamedArrays<double> out;
  out.emplace("loss", widened<T>(loss_shape, loss));
  out.emplace("grad_input", widened<T>(input_in.shape(), grad));
  return out;
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) { return fast_with<decltype(zero)>(spec_of(c), c); });
}

struct Draw {
  bool weighted_mean = false;    ///< reduction mean, weight present
  bool ignore_in_range = false;  ///< ignore_index a class in [0, C), C >= 2
  bool moderate = false;         ///< inputs of ordinary size, weights in [0.1, 10]
};

/// Input [N, C] with C up to 200, or [N, C, d1] (C to 16, d1 to 40: up to 320
/// positions, several summation blocks), or [N, C, d1, d2] (C, d1, d2 to 8): at most
/// a few thousand elements, so that 512-bit finite differences stay cheap.
Shape input_shape(bool wide_classes) {
  const std::int64_t batch = *rc::gen::inRange<std::int64_t>(1, 9);
  const auto classes = [wide_classes](std::int64_t most) {
    return *rc::gen::inRange<std::int64_t>(wide_classes ? 2 : 1, most + 1);
  };
  switch (*rc::gen::weightedOneOf<int>({{5, rc::gen::just(0)}, {2, rc::gen::just(1)}, {1, rc::gen::just(2)}})) {
    case 1:
      return {batch, classes(16), *rc::gen::inRange<std::int64_t>(1, 41)};
    case 2:
      return {batch, classes(8), *rc::gen::inRange<std::int64_t>(1, 9), *rc::gen::inRange<std::int64_t>(1, 9)};
    default:
      return {batch, wide_classes
                         ? classes(40)
                         : *rc::gen::weightedOneOf<std::int64_t>({{1, rc::gen::just<std::int64_t>(1)},
                                                                  {6, rc::gen::inRange<std::int64_t>(2, 41)},
                                                                  {1, rc::gen::inRange<std::int64_t>(60, 201)}})};
  }
}

rc::Gen<Case> generate_with(Dtype dtype, Draw draw) {
  return rc::gen::exec([=] {
    Nll s;
    s.reduction = draw.weighted_mean
                      ? spec::Reduction::mean
                      : *rc::gen::element(spec::Reduction::mean, spec::Reduction::sum, spec::Reduction::none);
    const Shape shape = input_shape(draw.ignore_in_range);
    const spec::ClassLayout layout = spec::class_layout(Nll::op, "input", shape);
    const std::int64_t classes = layout.classes;
    s.ignore_index = draw.ignore_in_range
                         ? *rc::gen::inRange<std::int64_t>(0, classes)
                         : *rc::gen::weightedOneOf<std::int64_t>({{4, rc::gen::just(spec::default_ignore_index)},
                                                                  {1, rc::gen::just<std::int64_t>(-1)},
                                                                  {2, rc::gen::inRange<std::int64_t>(0, classes)}});
    // One target in six (at least one with ignore_in_range) is ignore_index: a
    // negative one is allowed although it is no class.
    std::vector<double> y(static_cast<std::size_t>(layout.positions()));
    for (double& t : y)
      t = static_cast<double>(*rc::gen::inRange(0, 6) == 0 ? s.ignore_index
                                                           : *rc::gen::inRange<std::int64_t>(0, classes));
    if (draw.ignore_in_range)
      y[static_cast<std::size_t>(*rc::gen::inRange<std::int64_t>(0, layout.positions()))] =
          static_cast<double>(s.ignore_index);
    // Log-probabilities (mostly <= 0), any sign now and then, and hard values: zeros,
    // subnormals, magnitudes to 1e30.
    const auto log_probability =
        draw.moderate ? gen::ordinary(dtype, -2, 1)
                      : rc::gen::weightedOneOf<double>(
                            {{6, rc::gen::map(gen::ordinary(dtype, -3, 2), [](double x) { return -std::abs(x); })},
                             {2, gen::ordinary(dtype, -3, 3)},
                             {1, gen::hard(dtype, 1e30)}});
    const std::vector<double> x = *gen::values(element_count(shape), log_probability);
    std::optional<std::vector<double>> w;
    if (draw.weighted_mean || *rc::gen::arbitrary<bool>()) {
      const auto weight_value =
          draw.moderate
              ? rc::gen::map(rc::gen::inRange(1, 101), [dtype](int k) { return gen::in_dtype(k * 0.1, dtype); })
              : rc::gen::weightedOneOf<double>(
                    {{8, rc::gen::map(gen::ordinary(dtype, -2, 0),
                                      [dtype](double v) { return gen::in_dtype(std::abs(v) * 10, dtype); })},
                     {1, rc::gen::just(0.0)},
                     {1,
                      rc::gen::map(rc::gen::inRange(1, 1000), [dtype](int k) { return gen::subnormal(dtype, k); })}});
      w = *gen::values(classes, weight_value);
    }
    if (s.reduction == spec::Reduction::mean) {
      // The weighted mean needs a positive total weight: make the first target count.
      double total = 0;
      for (double t : y)
        if (t != static_cast<double>(s.ignore_index)) total += w ? (*w)[static_cast<std::size_t>(t)] : 1.0;
      if (total == 0) {
        if (s.ignore_index == 0 && classes == 1) s.ignore_index = spec::default_ignore_index;
        y[0] = s.ignore_index == 0 ? 1 : 0;
        if (w) (*w)[static_cast<std::size_t>(y[0])] = 1;
      }
    }
    Case c{Nll::op, spec_to_json(s), {}};
    c.inputs.emplace("input", gen::real_array(shape, x));
    c.inputs.emplace("target", gen::real_array(layout.target_shape, y));
    if (w) c.inputs.emplace("weight", gen::real_array({classes}, *w));
    return c;
  });
}

/// Every reduction, 1 to 200 classes, 0 to 2 extra axes, ignore_index -100, -1 or a
/// class, one target in six ignored, weights (zeros, subnormals) half the time, hard
/// log-probabilities.
rc::Gen<Case> generate(Dtype dtype) { return generate_with(dtype, {}); }

rc::Gen<Case> generate_moderate(Dtype dtype) { return generate_with(dtype, {.moderate = true}); }

rc::Gen<Case> generate_weighted_mean(Dtype dtype) { return generate_with(dtype, {.weighted_mean = true}); }

rc::Gen<Case> generate_ignore_in_range(Dtype dtype) { return generate_with(dtype, {.ignore_in_range = true}); }

Case base_case() {
  Case c{Nll::op, spec_to_json(Nll{}), {}};
  c.inputs.emplace("input", gen::real_array({2, 3}, {-1.5, -0.5, -2, -0.25, -3, -1}));
  c.inputs.emplace("target", gen::real_array({2}, {1, 0}));
  c.inputs.emplace("weight", gen::real_array({3}, {1, 2, 0.5}));
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
  Case no_target = b;
  no_target.inputs.erase("target");
  const Case all_ignored = with_input(b, "target", {2}, {-100, -100});
  return {
      {"unknown reduction", with_spec(b, "reduction", "average"), "reduction"},
      {"fractional ignore_index", with_spec(b, "ignore_index", 1.5), "ignore_index"},
      {"ignore_index as text", with_spec(b, "ignore_index", "-100"), "ignore_index"},
      {"missing target", no_target, "inputs.target"},
      {"input of rank 1", with_input(with_input(b, "input", {3}, {-1, -2, -3}), "target", {}, {1}), "input.shape"},
      {"empty batch", with_input(with_input(b, "input", {0, 3}, {}), "target", {0}, {}), "input.shape"},
      {"target shaped [N, 1] for input [N, C]", with_input(b, "target", {2, 1}, {1, 0}), "target.shape"},
      {"target shaped [N] for input [N, C, d1]", with_input(b, "input", {2, 3, 1}, {-1.5, -0.5, -2, -0.25, -3, -1}),
       "target.shape"},
      {"class index = C", with_input(b, "target", {2}, {1, 3}), "target[1]"},
      {"negative class index other than ignore_index", with_input(b, "target", {2}, {-1, 0}), "target[0]"},
      {"-100 with ignore_index -1", with_spec(with_input(b, "target", {2}, {1, -100}), "ignore_index", -1),
       "target[1]"},
      {"fractional class index", with_input(b, "target", {2}, {1, 0.5}), "target[1]"},
      {"weight of C + 1 classes", with_input(b, "weight", {4}, {1, 2, 0.5, 1}), "weight.shape"},
      {"weight of rank 2", with_input(b, "weight", {1, 3}, {1, 2, 0.5}), "weight.shape"},
      {"negative weight", with_input(b, "weight", {3}, {1, -2, 0.5}), "weight[1]"},
      {"NaN weight", with_input(b, "weight", {3}, {1, 2, std::nan("")}), "weight[2]"},
      {"infinite weight", with_input(b, "weight", {3}, {INFINITY, 2, 0.5}), "weight[0]"},
      {"log-probability -inf", with_input(b, "input", {2, 3}, {-1.5, -INFINITY, -2, -0.25, -3, -1}), "input[1]"},
      {"NaN input", with_input(b, "input", {2, 3}, {-1.5, -0.5, -2, -0.25, -3, std::nan("")}), "input[5]"},
      {"mean over targets all ignored", all_ignored, "target"},
      {"mean over targets all of weight 0", with_input(b, "weight", {3}, {0, 0, 0.5}), "target"},
  };
}

enum class Divisor { total_weight, positions, counted };

/// The plain loop a user might write, with one mistake: the mean divided by the
/// number of positions or of non-ignored targets instead of the total weight, or
/// each position's weight taken as weight[i mod C], by position, not by target class.
template <class T>
NamedArrays<double> naive(const Case& c, Divisor divisor, bool weight_by_position) {
  const Nll s = spec_of(c);
  const Array<Real>& input_in = input(c, "input");
  const Array<Real>* weight_in = weight_of(c);
  const Array<std::int64_t> target = targets_of(c);
  const spec::ClassLayout layout = spec::class_layout(Nll::op, "input", input_in.shape());
  const std::vector<T> x = exact_values<T>(input_in, Nll::op, "input");
  const std::vector<T> weight = weight_in ? exact_values<T>(*weight_in, Nll::op, "weight")
                                          : std::vector<T>(static_cast<std::size_t>(layout.classes), T(1));
  std::vector<T> loss(static_cast<std::size_t>(layout.positions())), w(loss.size());
  T total = 0, total_weight = 0;
  std::int64_t counted = 0;
  for (std::int64_t i = 0; i < layout.positions(); ++i) {
    const std::int64_t y = target[i];
    if (y == s.ignore_index) continue;
    w[static_cast<std::size_t>(i)] = weight[static_cast<std::size_t>(weight_by_position ? i % layout.classes : y)];
    loss[static_cast<std::size_t>(i)] =
        -w[static_cast<std::size_t>(i)] * x[static_cast<std::size_t>(layout.offset(i, y))];
    total += loss[static_cast<std::size_t>(i)];
    total_weight += w[static_cast<std::size_t>(i)];
    ++counted;
  }
  const bool mean = s.reduction == spec::Reduction::mean;
  const T d = divisor == Divisor::positions ? static_cast<T>(layout.positions())
              : divisor == Divisor::counted ? static_cast<T>(counted)
                                            : total_weight;
  std::vector<T> grad(x.size(), T(0));
  for (std::int64_t i = 0; i < layout.positions(); ++i)
    if (target[i] != s.ignore_index)
      grad[static_cast<std::size_t>(layout.offset(i, target[i]))] =
          mean ? -w[static_cast<std::size_t>(i)] / d : -w[static_cast<std::size_t>(i)];
  NamedArrays<double> out;
  if (s.reduction == spec::Reduction::none)
    out.emplace("loss", widened<T>(layout.target_shape, loss));
  else
    out.emplace("loss", Array<double>(Shape{}, std::vector<double>{static_cast<double>(mean ? total / d : total)}));
  out.emplace("grad_input", widened<T>(input_in.shape(), grad));
  return out;
}

WrongVariant naive_variant(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), Divisor divisor,
                           bool by_position) {
  return {std::move(name), std::move(description), g, [=](const Case& c, Dtype dtype) {
            return with_dtype(dtype, [&](auto zero) { return naive<decltype(zero)>(c, divisor, by_position); });
          }};
}

std::vector<WrongVariant> wrong_variants() {
  return {
      naive_variant("weighted_mean_over_positions",
                    "the weighted mean divided by the number of target positions N * d1 * ... * dk, not by the "
                    "total weight",
                    generate_weighted_mean, Divisor::positions, false),
      naive_variant("weighted_mean_over_counted_targets",
                    "the weighted mean divided by the number of non-ignored targets, not by their total weight",
                    generate_weighted_mean, Divisor::counted, false),
      {"ignored_targets_contribute", "targets equal to ignore_index (a class in [0, C)) counted like any other",
       generate_ignore_in_range,
       [](const Case& c, Dtype dtype) {
         Nll s = spec_of(c);
         s.ignore_index = spec::default_ignore_index;
         return with_dtype(dtype, [&](auto zero) { return fast_with<decltype(zero)>(s, c); });
       }},
      {"sign_flipped", "w x[i, y_i] instead of -w x[i, y_i], and its gradient", generate,
       [](const Case& c, Dtype dtype) {
         NamedArrays<double> out = run_fast(c, dtype);
         for (auto& [name, array] : out)
           for (double& v : array.span()) v = -v;
         return out;
       }},
      naive_variant("weight_by_position",
                    "each target weighted by weight[i mod C] (its position i) instead of weight[y_i] (its class)",
                    generate_weighted_mean, Divisor::total_weight, true),
  };
}

}  // namespace

const Entry& nll_entry() {
  static const Entry entry{
      .name = Nll::op,
      .kind = "loss",
      .summary =
          "negative log-likelihood on log-probabilities [N, C, d1..dk] with class-index targets, optional "
          "class weights and ignore_index; loss and d loss / d input",
      .doc = "losses/nll.md",
      .fields = fields_of<Nll>(),
      .presets = presets_of_spec<Nll>(),
      .inputs = {{"input", "[N, C] or [N, C, d1, ..., dk]", "log-probabilities (finite), classes on axis 1"},
                 {"target", "[N] or [N, d1, ..., dk]", "class index in [0, C) of each position, or ignore_index", true},
                 {"weight", "[C]",
                  "class weights (finite, >= 0); absent: every weight 1. A constant: no gradient is reported "
                  "(PyTorch implements none)",
                  false, true}},
      .outputs = {{"loss", "[] or [N, d1, ..., dk] (reduction none)", "the reduced loss"},
                  {"grad_input", "[N, C, d1, ..., dk]", "d(sum of loss) / d input"}},
      .make_spec = make_spec_json<Nll>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"loss", "input", "grad_input"}},
      .deviations = {{"input of rank 1 ([C] with a scalar target)",
                      "PyTorch accepts an unbatched input; gradref requires [N, C, ...]: give it as [1, C]"},
                     {"mean over targets that are all ignored or all of weight 0",
                      "PyTorch returns NaN (0/0); gradref refuses the case, naming target"},
                     {"negative or non-finite class weights, non-finite input",
                      "PyTorch computes with them; gradref refuses them (a negative weight can make the weighted "
                      "mean's divisor 0 or negative)"}},
  };
  return entry;
}

}  // namespace gradref::catalog
