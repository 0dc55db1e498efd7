// Catalog entry for binary cross-entropy on probabilities.
#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>
#include <utility>

#include "binary_loss.hpp"
#include "case_edits.hpp"
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/losses/bce.hpp"
#include "gradref/reference/losses/bce.hpp"
#include "loss_outputs.hpp"

namespace gradref::catalog {
namespace {

using spec::Bce;

Bce spec_of(const Case& c) { return spec_from_json<Bce>(c.spec, ""); }

const Array<Real>* weight_of(const Case& c) { return binary::optional_input(c, "weight"); }

NamedArrays<Real> run_reference(const Case& c) {
  return named_outputs(reference::bce(spec_of(c), input(c, "input"), input(c, "target"), weight_of(c)));
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const std::optional<Array<Tracked>> weight = binary::optional_tracked(c, "weight", dtype);
  return named_errors(reference::bce(spec_of(c), tracked(input(c, "input"), dtype),
                                     tracked(input(c, "target"), dtype), weight ? &*weight : nullptr));
}

/// The fast kernel on `c`, with `weight` in place of the case's (null: none).
template <class T>
NamedArrays<double> fast_with(const Bce& s, const Case& c, const Array<Real>* weight_in) {
  const Array<Real>& input_in = input(c, "input");
  const Array<Real>& target_in = input(c, "target");
  spec::binary_loss_size(Bce::op, input_in.shape(), target_in.shape(), weight_in ? &weight_in->shape() : nullptr);
  const std::vector<T> p = exact_values<T>(input_in, Bce::op, "input");
  const std::vector<T> y = exact_values<T>(target_in, Bce::op, "target");
  const std::vector<T> w = weight_in ? exact_values<T>(*weight_in, Bce::op, "weight") : std::vector<T>{};
  LossBuffers<T> out(input_in.shape(), s.reduction);
  fast::bce<T>(s, input_in.shape(), p, y, w, out.loss, out.grad_input, out.grad_target);
  return out.named();
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) { return fast_with<decltype(zero)>(spec_of(c), c, weight_of(c)); });
}

// Below this, y / p can overflow the dtype (times a weight up to 10): such p get y = 0.
double overflow_threshold(Dtype dtype) { return dtype == Dtype::float32 ? 1e-37 : 1e-300; }

/// A probability exact in the dtype: ordinary, 0, 1, near 0 (to 1e-30), near 1
/// (1 - 2^-k), and tiny (below e^-100, where PyTorch's clamp acts).
rc::Gen<double> probability(Dtype dtype) {
  const int bits = dtype == Dtype::float32 ? 24 : 53;
  const auto tiny = dtype == Dtype::float32
                        ? rc::gen::map(rc::gen::inRange(1, 100), [dtype](int k) { return gen::subnormal(dtype, k); })
                        : rc::gen::map(rc::gen::inRange(44, 320), [](int k) { return std::pow(10.0, -k); });
  return rc::gen::weightedOneOf<double>({
      {8, rc::gen::map(rc::gen::inRange(0, 1000001), [dtype](int k) { return gen::in_dtype(k * 1e-6, dtype); })},
      {1, rc::gen::just(0.0)},
      {1, rc::gen::just(1.0)},
      {1, rc::gen::map(rc::gen::tuple(rc::gen::inRange(1, 10), rc::gen::inRange(1, 31)),
                       [dtype](const std::tuple<int, int>& t) {
                         return gen::in_dtype(std::get<0>(t) * std::pow(10.0, -std::get<1>(t)), dtype);
                       })},
      {1, rc::gen::map(rc::gen::inRange(1, bits + 1), [](int k) { return 1.0 - std::ldexp(1.0, -k); })},
      {1, tiny},
  });
}

/// Clip bounds exact in the dtype: none ([0, 1]), Keras' in float32 (and as doubles
/// in float64 only: 1e-7 is not a float32), or 2^-k and 1 - 2^-j.
rc::Gen<std::pair<double, double>> clip_bounds(Dtype dtype) {
  using Bounds = std::pair<double, double>;
  return rc::gen::weightedOneOf<Bounds>({
      {2, rc::gen::just(Bounds{0.0, 1.0})},
      {2, rc::gen::just(Bounds{spec::keras_epsilon_float32, spec::keras_one_minus_epsilon_float32})},
      {dtype == Dtype::float64 ? 1u : 0u,
       rc::gen::just(Bounds{spec::keras_epsilon_float64, spec::keras_one_minus_epsilon_float64})},
      {1, rc::gen::map(rc::gen::tuple(rc::gen::inRange(2, 60), rc::gen::inRange(2, 24)),
                       [](const std::tuple<int, int>& t) {
                         return Bounds{std::ldexp(1.0, -std::get<0>(t)), 1.0 - std::ldexp(1.0, -std::get<1>(t))};
                       })},
  });
}

/// The hard values of a clip to [lo, hi] in the dtype: each bound, its neighbours
/// just inside and just outside, 0 and 1.
rc::Gen<double> near_bounds(Dtype dtype, double lo, double hi) {
  const auto step = [dtype](double x, double to) {
    const double next = dtype == Dtype::float32 ? static_cast<double>(std::nextafter(static_cast<float>(x),
                                                                                     static_cast<float>(to)))
                                                : std::nextafter(x, to);
    return std::clamp(next, 0.0, 1.0);
  };
  return rc::gen::element(lo, step(lo, 1.0), step(lo, 0.0), hi, step(hi, 0.0), step(hi, 1.0), 0.0, 1.0);
}

rc::Gen<Case> generate_with(Dtype dtype, rc::Gen<Shape> shape_gen, rc::Gen<double> p_gen, rc::Gen<double> y_gen,
                            rc::Gen<double> w_gen, rc::Gen<std::pair<double, double>> clip_gen,
                            bool at_bounds = true) {
  return rc::gen::exec([=] {
    Bce s;
    s.reduction = *binary::reductions();
    s.clamp_log = *rc::gen::arbitrary<bool>();
    std::tie(s.clip_low, s.clip_high) = *clip_gen;
    const bool clip = s.clip_low > 0 || s.clip_high < 1;
    const Shape shape = *shape_gen;
    const std::int64_t n = element_count(shape);
    std::vector<double> p = *gen::values(n, p_gen);
    if (clip && at_bounds && *rc::gen::inRange(0, 3) == 0)
      for (double& x : p)
        if (*rc::gen::inRange(0, 3) == 0) x = *near_bounds(dtype, s.clip_low, s.clip_high);
    std::vector<double> y = *gen::values(n, y_gen);
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double pc = std::clamp(p[i], s.clip_low, s.clip_high);
      const bool clamped = s.clamp_log && pc > 0 && std::log(pc) < s.log_floor;
      if (pc > 0 && pc < overflow_threshold(dtype) && !clamped) y[i] = 0;
    }
    Case c{Bce::op, spec_to_json(s), {}};
    c.inputs.emplace("input", gen::real_array(shape, p));
    c.inputs.emplace("target", gen::real_array(shape, y));
    if (*rc::gen::arbitrary<bool>()) c.inputs.emplace("weight", gen::real_array(shape, *gen::values(n, w_gen)));
    return c;
  });
}

rc::Gen<Case> generate(Dtype dtype) {
  return generate_with(dtype, binary::shapes(), probability(dtype), binary::labels(dtype, true),
                       binary::weights(dtype, false), clip_bounds(dtype));
}

/// No clip, or Keras' (exact in the dtype), which lie outside [0.01, 0.99]: the
/// finite differences of generate_moderate never step across a bound.
rc::Gen<std::pair<double, double>> moderate_clip_bounds(Dtype dtype) {
  using Bounds = std::pair<double, double>;
  return rc::gen::weightedOneOf<Bounds>({
      {2, rc::gen::just(Bounds{0.0, 1.0})},
      {1, rc::gen::just(Bounds{spec::keras_epsilon_float32, spec::keras_one_minus_epsilon_float32})},
      {dtype == Dtype::float64 ? 1u : 0u,
       rc::gen::just(Bounds{spec::keras_epsilon_float64, spec::keras_one_minus_epsilon_float64})},
  });
}

/// Keras' float32 bounds, with p often at or beyond them and y often not 1, where
/// log(1 - hi) tells 1 - float32(1 - 1e-7) = 2^-23 from 1e-7.
rc::Gen<Case> generate_keras(Dtype dtype) {
  const std::pair<double, double> keras{spec::keras_epsilon_float32, spec::keras_one_minus_epsilon_float32};
  const auto p =
      rc::gen::weightedOneOf<double>({{1, probability(dtype)}, {1, near_bounds(dtype, keras.first, keras.second)}});
  return rc::gen::map(generate_with(dtype, binary::shapes(), p, binary::labels(dtype, true),
                                    binary::weights(dtype, false), rc::gen::just(keras)),
                      [](Case c) { return with_spec(std::move(c), "clamp_log", false); });
}

/// p and y in [0.01, 0.99], weights in [0.1, 10]: every log and quotient moderate,
/// and y +- 2^-32 stays in [0, 1] for the finite differences. p and y lie on grids
/// offset from each other and from 0.5, so that p != y and p != 0.5: a gradient that
/// is exactly 0 everywhere (p = y in a one-element case) leaves the finite-difference
/// check no scale to judge its O(h^8) residue by.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  const auto on_grid = [dtype](double offset) {
    return rc::gen::map(rc::gen::inRange(10000, 990000),
                        [dtype, offset](int k) { return gen::in_dtype(k * 1e-6 + offset, dtype); });
  };
  const auto weight = rc::gen::map(rc::gen::inRange(1, 101), [dtype](int k) { return gen::in_dtype(k * 0.1, dtype); });
  return generate_with(dtype, binary::shapes(), on_grid(1e-7), on_grid(3e-7), weight, moderate_clip_bounds(dtype),
                       false);
}

/// Textbook cases, with some p = 0 and y > 0 (an infinite loss).
rc::Gen<Case> generate_textbook(Dtype dtype) {
  return rc::gen::map(generate_with(dtype, binary::shapes(), probability(dtype), binary::labels(dtype, true),
                                    binary::weights(dtype, false), rc::gen::just(std::pair<double, double>{0.0, 1.0})),
                      [](Case c) { return with_spec(std::move(c), "clamp_log", false); });
}

/// Mean over [N, C] with C >= 2.
rc::Gen<Case> generate_batched_mean(Dtype dtype) {
  const auto shape = rc::gen::map(
      rc::gen::tuple(rc::gen::inRange<std::int64_t>(1, 9), rc::gen::inRange<std::int64_t>(2, 40)),
      [](const std::tuple<std::int64_t, std::int64_t>& t) { return Shape{std::get<0>(t), std::get<1>(t)}; });
  return rc::gen::map(generate_with(dtype, shape, probability(dtype), binary::labels(dtype, true),
                                    binary::weights(dtype, false), clip_bounds(dtype)),
                      [](Case c) { return with_spec(std::move(c), "reduction", "mean"); });
}

Case base_case() {
  Case c{Bce::op, spec_to_json(Bce{}), {}};
  c.inputs.emplace("input", gen::real_array({2, 2}, {0.25, 0.5, 0.75, 1}));
  c.inputs.emplace("target", gen::real_array({2, 2}, {0, 1, 0.5, 1}));
  c.inputs.emplace("weight", gen::real_array({2, 2}, {1, 2, 0.5, 1}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const double nan = std::nan("");
  const double inf = INFINITY;
  const Case b = base_case();
  return {
      {"unknown reduction", with_spec(b, "reduction", "average"), "reduction"},
      {"positive log_floor", with_spec(b, "log_floor", 1.0), "log_floor"},
      {"log_floor not a number", with_spec(b, "log_floor", "low"), "log_floor"},
      {"negative clip_low", with_spec(b, "clip_low", -1e-7), "clip_low"},
      {"clip_high above 1", with_spec(b, "clip_high", 1.5), "clip_high"},
      {"clip_high not above clip_low", with_spec(with_spec(b, "clip_low", 0.5), "clip_high", 0.5), "clip_high"},
      {"missing target", without_input(b, "target"), "inputs.target"},
      {"an extent of 0", with_input(with_input(b, "input", {2, 0}, {}), "target", {2, 0}, {}), "input.shape"},
      {"target of another shape", with_input(b, "target", {4}, {0, 1, 0.5, 1}), "target.shape"},
      {"weight of another shape", with_input(b, "weight", {2}, {1, 2}), "weight.shape"},
      {"probability above 1", with_input(b, "input", {2, 2}, {0.25, 1.5, 0.75, 1}), "input[1]"},
      {"negative probability", with_input(b, "input", {2, 2}, {-0.25, 0.5, 0.75, 1}), "input[0]"},
      {"NaN probability", with_input(b, "input", {2, 2}, {0.25, 0.5, nan, 1}), "input[2]"},
      {"target above 1", with_input(b, "target", {2, 2}, {2, 1, 0.5, 1}), "target[0]"},
      {"negative target", with_input(b, "target", {2, 2}, {0, -1, 0.5, 1}), "target[1]"},
      {"infinite weight", with_input(b, "weight", {2, 2}, {1, 2, 0.5, inf}), "weight[3]"},
  };
}

/// The loop a user might write with log(1 - p) as log(1) - log(p).
template <class T>
NamedArrays<double> log1m_by_difference(const Case& c) {
  const Bce s = spec_of(c);
  const Array<Real>& input_in = input(c, "input");
  const std::vector<T> p = exact_values<T>(input_in, Bce::op, "input");
  const std::vector<T> y = exact_values<T>(input(c, "target"), Bce::op, "target");
  const Array<Real>* weight_in = weight_of(c);
  const std::vector<T> w = weight_in ? exact_values<T>(*weight_in, Bce::op, "weight") : std::vector<T>(p.size(), T(1));
  const T floor = static_cast<T>(s.log_floor);
  const auto clamped = [&](T l) { return s.clamp_log ? std::max(l, floor) : l; };
  const T scale = s.reduction == spec::Reduction::mean ? T(1) / static_cast<T>(p.size()) : T(1);
  std::vector<T> loss(p.size()), gi(p.size()), gt(p.size());
  T total = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const T lp = clamped(std::log(p[i]));
    const T lq = clamped(std::log(T(1)) - std::log(p[i]));
    loss[i] = -(y[i] * lp + (1 - y[i]) * lq) * w[i];
    gi[i] = w[i] * (p[i] - y[i]) / std::max(p[i] * (1 - p[i]), T(1e-12)) * scale;
    gt[i] = (lq - lp) * w[i] * scale;
    total += loss[i];
  }
  const T reduced = s.reduction == spec::Reduction::mean ? total * scale : total;
  return loop_outputs<T>(input_in.shape(), s.reduction, loss, reduced, gi, gt);
}

/// `c` with each p replaced by its clip to the spec's bounds.
Case clipped_input(Case c) {
  const Bce s = spec_of(c);
  Array<Real>& p = c.inputs.at("input");
  for (Real& x : p.span()) {
    if (x < Real(s.clip_low)) x = Real(s.clip_low);
    if (x > Real(s.clip_high)) x = Real(s.clip_high);
  }
  return c;
}

std::vector<WrongVariant> wrong_variants() {
  return {
      {"keras_double_bounds", "Keras' float32 clip taken at the doubles 1e-7 and 1 - 1e-7 (log(1 - hi) = "
       "log(1e-7) instead of log(2^-23)), computed in double", generate_keras,
       [](const Case& c, Dtype) {
         Bce s = spec_of(c);
         s.clip_low = spec::keras_epsilon_float64;
         s.clip_high = spec::keras_one_minus_epsilon_float64;
         return fast_with<double>(s, c, weight_of(c));
       }},
      {"clip_gradient_passed", "grad_input not zeroed where p lies outside the clip (the clipped p as input)",
       generate_keras, [](const Case& c, Dtype dtype) { return run_fast(clipped_input(c), dtype); }},
      {"clip_ignored", "Keras' clip left out (the textbook loss)", generate_keras,
       [](const Case& c, Dtype dtype) {
         Bce s = spec_of(c);
         s.clip_low = 0;
         s.clip_high = 1;
         return with_dtype(dtype, [&](auto zero) { return fast_with<decltype(zero)>(s, c, weight_of(c)); });
       }},
      {"log1m_by_difference", "log(1 - p) computed as log(1) - log(p)", generate,
       [](const Case& c, Dtype dtype) {
         return with_dtype(dtype, [&c](auto zero) { return log1m_by_difference<decltype(zero)>(c); });
       }},
      {"clamp_in_textbook", "PyTorch's clamp of each log at -100 applied under the textbook preset",
       generate_textbook,
       [](const Case& c, Dtype dtype) {
         Bce s = spec_of(c);
         s.clamp_log = true;
         return with_dtype(dtype, [&](auto zero) { return fast_with<decltype(zero)>(s, c, weight_of(c)); });
       }},
      {"mean_over_rows", "the mean of an [N, C] loss divides by N instead of N * C", generate_batched_mean,
       [](const Case& c, Dtype dtype) {
         Bce s = spec_of(c);
         s.reduction = spec::Reduction::sum;
         NamedArrays<double> out =
             with_dtype(dtype, [&](auto zero) { return fast_with<decltype(zero)>(s, c, weight_of(c)); });
         const double rows = static_cast<double>(input(c, "input").extent(0));
         for (auto& [name, array] : out)
           for (double& x : array.span()) x /= rows;
         return out;
       }},
      {"grad_target_sign_flipped", "d loss / d target = w (log p - log(1 - p)), the sign flipped", generate,
       [](const Case& c, Dtype dtype) {
         NamedArrays<double> out = run_fast(c, dtype);
         for (double& x : out.at("grad_target").span()) x = -x;
         return out;
       }},
  };
}

}  // namespace

const Entry& bce_entry() {
  static const Entry entry{
      .name = Bce::op,
      .kind = "loss",
      .summary = "binary cross-entropy on probabilities with an optional weight; loss and d loss / d input, target",
      .doc = "losses/bce.md",
      .fields = fields_of<Bce>(),
      .presets = presets_of_spec<Bce>(),
      .inputs = {{"input", "[*]", "probabilities p in [0, 1]"},
                 {"target", "[*]", "targets y in [0, 1] (hard or soft labels)"},
                 {"weight", "[*]", "elementwise weight w (finite); absent: 1", false, true}},
      .outputs = {{"loss", "[] or [*] (reduction none)", "the reduced loss"},
                  {"grad_input", "[*]", "d(sum of loss) / d input"},
                  {"grad_target", "[*]", "d(sum of loss) / d target"}},
      .make_spec = make_spec_json<Bce>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {{"loss", "input", "grad_input"}, {"loss", "target", "grad_target"}},
      .deviations = {{"pytorch preset: grad_input where a log is clamped",
                      "PyTorch's backward returns w (p - y) / max(p (1 - p), 1e-12), not the derivative of its "
                      "clamped forward; gradref returns the derivative of the loss it computes (0 from a clamped "
                      "log), see docs/losses/bce.md"},
                     {"pytorch preset: grad_target where a log is clamped",
                      "PyTorch returns -w logit(p), unclamped (+-inf at p = 0 or 1); gradref returns "
                      "w (max(log(1 - p), floor) - max(log p, floor))"}},
  };
  return entry;
}

}  // namespace gradref::catalog
