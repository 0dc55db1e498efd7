// Catalog entry for binary cross-entropy on logits.
#include <cmath>
#include <optional>

#include "binary_loss.hpp"
#include "case_edits.hpp"
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/losses/bce_with_logits.hpp"
#include "gradref/reference/losses/bce_with_logits.hpp"
#include "loss_outputs.hpp"

namespace gradref::catalog {
namespace {

using spec::BceWithLogits;
using binary::optional_input;

BceWithLogits spec_of(const Case& c) { return spec_from_json<BceWithLogits>(c.spec, ""); }

NamedArrays<Real> run_reference(const Case& c) {
  return named_outputs(reference::bce_with_logits(spec_of(c), input(c, "input"), input(c, "target"),
                                                  optional_input(c, "weight"), optional_input(c, "pos_weight")));
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const std::optional<Array<Tracked>> weight = binary::optional_tracked(c, "weight", dtype);
  const std::optional<Array<Tracked>> pos_weight = binary::optional_tracked(c, "pos_weight", dtype);
  return named_errors(reference::bce_with_logits(spec_of(c), tracked(input(c, "input"), dtype),
                                                 tracked(input(c, "target"), dtype), weight ? &*weight : nullptr,
                                                 pos_weight ? &*pos_weight : nullptr));
}

/// The fast kernel on `c`, with `weight_in` in place of the case's weight (null: none).
template <class T>
NamedArrays<double> fast_with(const Case& c, const Array<Real>* weight_in) {
  const BceWithLogits s = spec_of(c);
  const Array<Real>& input_in = input(c, "input");
  const Array<Real>& target_in = input(c, "target");
  const Array<Real>* pos_weight_in = optional_input(c, "pos_weight");
  spec::bce_with_logits_dims(input_in.shape(), target_in.shape(), weight_in ? &weight_in->shape() : nullptr,
                             pos_weight_in ? &pos_weight_in->shape() : nullptr);
  const char* op = BceWithLogits::op;
  const std::vector<T> x = exact_values<T>(input_in, op, "input");
  const std::vector<T> y = exact_values<T>(target_in, op, "target");
  const std::vector<T> w = weight_in ? exact_values<T>(*weight_in, op, "weight") : std::vector<T>{};
  const std::vector<T> pw = pos_weight_in ? exact_values<T>(*pos_weight_in, op, "pos_weight") : std::vector<T>{};
  LossBuffers<T> out(input_in.shape(), s.reduction);
  fast::bce_with_logits<T>(s, input_in.shape(), x, y, w, pw, out.loss, out.grad_input, out.grad_target);
  return out.named();
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) { return fast_with<decltype(zero)>(c, optional_input(c, "weight")); });
}

/// Cases with weight present with probability weight_odds / 2, pos_weight with pos_weight_odds / 2.
rc::Gen<Case> generate_with(Dtype dtype, rc::Gen<double> logit, rc::Gen<double> target, int weight_odds,
                            int pos_weight_odds) {
  return rc::gen::exec([=] {
    BceWithLogits s;
    s.reduction = *binary::reductions();
    const Shape shape = *binary::shapes();
    const std::int64_t n = element_count(shape);
    Case c{BceWithLogits::op, spec_to_json(s), {}};
    c.inputs.emplace("input", gen::real_array(shape, *gen::values(n, logit)));
    c.inputs.emplace("target", gen::real_array(shape, *gen::values(n, target)));
    if (*rc::gen::inRange(0, 2) < weight_odds)
      c.inputs.emplace("weight", gen::real_array(shape, *gen::values(n, binary::weights(dtype, true))));
    const std::int64_t classes = shape.empty() ? 1 : shape.back();
    if (*rc::gen::inRange(0, 2) < pos_weight_odds)
      c.inputs.emplace("pos_weight", gen::real_array({classes}, *gen::values(classes, binary::weights(dtype, true))));
    return c;
  });
}

/// Logits: ordinary (to 10), large (to 1e4) and the hard mix (zeros, subnormals, tiny, to 1e4).
rc::Gen<double> logit(Dtype dtype) {
  return rc::gen::weightedOneOf<double>(
      {{6, gen::ordinary(dtype, -2, 1)},
       {2, rc::gen::map(gen::ordinary(dtype, 3, 3), [dtype](double x) { return gen::in_dtype(10 * x, dtype); })},
       {2, gen::hard(dtype, 1e4)}});
}

rc::Gen<Case> generate(Dtype dtype) {
  return generate_with(dtype, logit(dtype), binary::labels(dtype, false), 1, 1);
}

/// Logits to 10 in magnitude: gradients of a size finite differences resolve. Soft
/// labels sit off the grid of 1e-6 (never 0.5, so never sigmoid(0)): a gradient
/// that is exactly 0 everywhere leaves the finite-difference check no scale to
/// judge its O(h^8) residue by.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  const auto target = rc::gen::weightedOneOf<double>(
      {{1, rc::gen::just(0.0)},
       {1, rc::gen::just(1.0)},
       {4, rc::gen::map(rc::gen::inRange(0, 999999), [dtype](int k) { return gen::in_dtype(k * 1e-6 + 3e-7, dtype); })}});
  return generate_with(dtype, gen::ordinary(dtype, -2, 1), target, 1, 1);
}

/// Logits from 100 to 1e4 in magnitude, either sign: exp(-x) overflows float32 (and float64 beyond 709.8).
rc::Gen<Case> generate_large(Dtype dtype) {
  const auto large = rc::gen::map(rc::gen::tuple(rc::gen::inRange(100, 10001), rc::gen::arbitrary<bool>()),
                                  [dtype](const std::tuple<int, bool>& t) {
                                    return gen::in_dtype(std::get<1>(t) ? std::get<0>(t) : -std::get<0>(t), dtype);
                                  });
  return generate_with(dtype, large, binary::labels(dtype, false), 1, 1);
}

rc::Gen<Case> generate_pos_weighted(Dtype dtype) {
  return generate_with(dtype, logit(dtype), binary::labels(dtype, false), 1, 2);
}

rc::Gen<Case> generate_weighted(Dtype dtype) {
  return generate_with(dtype, logit(dtype), binary::labels(dtype, false), 2, 1);
}

Case base_case() {
  Case c{BceWithLogits::op, spec_to_json(BceWithLogits{}), {}};
  c.inputs.emplace("input", gen::real_array({2, 2}, {-2, 0, 3, 1e4}));
  c.inputs.emplace("target", gen::real_array({2, 2}, {0, 1, 0.5, 1}));
  c.inputs.emplace("weight", gen::real_array({2, 2}, {1, 2, 0.5, 1}));
  c.inputs.emplace("pos_weight", gen::real_array({2}, {3, 0.5}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const double nan = std::nan("");
  const double inf = INFINITY;
  const Case b = base_case();
  return {
      {"unknown reduction", with_spec(b, "reduction", "average"), "reduction"},
      {"missing input", without_input(b, "input"), "inputs.input"},
      {"an extent of 0",
       with_input(with_input(with_input(b, "input", {0, 2}, {}), "target", {0, 2}, {}), "weight", {0, 2}, {}),
       "input.shape"},
      {"target of another shape", with_input(b, "target", {4}, {0, 1, 0.5, 1}), "target.shape"},
      {"weight of another shape", with_input(b, "weight", {2, 1}, {1, 2}), "weight.shape"},
      {"pos_weight not of the last extent", with_input(b, "pos_weight", {4}, {1, 2, 3, 4}), "pos_weight.shape"},
      {"infinite logit", with_input(b, "input", {2, 2}, {-2, 0, inf, 1}), "input[2]"},
      {"NaN logit", with_input(b, "input", {2, 2}, {nan, 0, 3, 1}), "input[0]"},
      {"NaN target", with_input(b, "target", {2, 2}, {0, nan, 0.5, 1}), "target[1]"},
      {"infinite weight", with_input(b, "weight", {2, 2}, {1, 2, -inf, 1}), "weight[2]"},
      {"NaN pos_weight", with_input(b, "pos_weight", {2}, {3, nan}), "pos_weight[1]"},
  };
}

enum class Bug { naive_sigmoid, pos_weight_on_negative };

/// Loops a user might write: -log(sigmoid(x)) taken literally, or pos_weight on the
/// negative term; each with log, exp and a left-to-right sum in T.
template <class T>
NamedArrays<double> naive(const Case& c, Bug bug) {
  const BceWithLogits s = spec_of(c);
  const char* op = BceWithLogits::op;
  const Array<Real>& input_in = input(c, "input");
  const std::vector<T> x = exact_values<T>(input_in, op, "input");
  const std::vector<T> y = exact_values<T>(input(c, "target"), op, "target");
  const Array<Real>* weight_in = optional_input(c, "weight");
  const Array<Real>* pos_weight_in = optional_input(c, "pos_weight");
  const std::vector<T> w = weight_in ? exact_values<T>(*weight_in, op, "weight") : std::vector<T>(x.size(), T(1));
  const std::vector<T> pws = pos_weight_in ? exact_values<T>(*pos_weight_in, op, "pos_weight") : std::vector<T>{T(1)};
  const T scale = s.reduction == spec::Reduction::mean ? T(1) / static_cast<T>(x.size()) : T(1);
  const auto softplus = [](T v) { return std::log1p(std::exp(-std::abs(v))) + std::max(v, T(0)); };
  std::vector<T> loss(x.size()), gi(x.size()), gt(x.size());
  T total = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const T pw = pws[i % pws.size()];
    const T sig = T(1) / (T(1) + std::exp(-x[i]));
    if (bug == Bug::naive_sigmoid) {
      loss[i] = -(pw * y[i] * std::log(sig) + (1 - y[i]) * std::log(1 - sig));
      gi[i] = (1 + (pw - 1) * y[i]) * sig - pw * y[i];
      gt[i] = -(pw - 1) * std::log(sig) - x[i];
    } else {
      loss[i] = y[i] * softplus(-x[i]) + pw * (1 - y[i]) * softplus(x[i]);
      gi[i] = -y[i] * (1 - sig) + pw * (1 - y[i]) * sig;
      gt[i] = softplus(-x[i]) - pw * softplus(x[i]);
    }
    loss[i] *= w[i];
    gi[i] *= w[i] * scale;
    gt[i] *= w[i] * scale;
    total += loss[i];
  }
  const T reduced = s.reduction == spec::Reduction::mean ? total * scale : total;
  return loop_outputs<T>(input_in.shape(), s.reduction, loss, reduced, gi, gt);
}

WrongVariant naive_variant(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), Bug bug) {
  return {std::move(name), std::move(description), g, [bug](const Case& c, Dtype dtype) {
            return with_dtype(dtype, [&](auto zero) { return naive<decltype(zero)>(c, bug); });
          }};
}

std::vector<WrongVariant> wrong_variants() {
  return {
      naive_variant("naive_sigmoid_log",
                    "-[pw y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x))] with sigmoid = 1 / (1 + exp(-x)): "
                    "exp overflows and 1 - sigmoid loses everything for large |x|",
                    generate_large, Bug::naive_sigmoid),
      naive_variant("pos_weight_on_negative", "pos_weight multiplies the negative term (1 - y) softplus(x)",
                    generate_pos_weighted, Bug::pos_weight_on_negative),
      {"weight_ignored", "the elementwise weight is dropped", generate_weighted,
       [](const Case& c, Dtype dtype) {
         return with_dtype(dtype, [&c](auto zero) { return fast_with<decltype(zero)>(c, nullptr); });
       }},
  };
}

}  // namespace

const Entry& bce_with_logits_entry() {
  static const Entry entry{
      .name = BceWithLogits::op,
      .kind = "loss",
      .summary = "binary cross-entropy on logits with optional weight and pos_weight; loss and d loss / d input, target",
      .doc = "losses/bce_with_logits.md",
      .fields = fields_of<BceWithLogits>(),
      .presets = presets_of_spec<BceWithLogits>(),
      .inputs = {{"input", "[*, C]", "logits x (finite)"},
                 {"target", "[*, C]", "targets y, usually in [0, 1] (hard or soft labels)"},
                 {"weight", "[*, C]", "elementwise weight w (finite); absent: 1", false, true},
                 {"pos_weight", "[C]", "weight of the positive term, per class of the last axis; absent: 1", false,
                  true}},
      .outputs = {{"loss", "[] or [*, C] (reduction none)", "the reduced loss"},
                  {"grad_input", "[*, C]", "d(sum of loss) / d input"},
                  {"grad_target", "[*, C]", "d(sum of loss) / d target"}},
      .make_spec = make_spec_json<BceWithLogits>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"loss", "input", "grad_input"}, {"loss", "target", "grad_target"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
