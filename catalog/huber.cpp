// Catalog entry for the Huber loss.
#include <cmath>

#include "gradref/fast/losses/huber.hpp"
#include "gradref/reference/losses/huber.hpp"
#include "pointwise_loss.hpp"

namespace gradref::catalog {
namespace {

using spec::Huber;
using pointwise::Pairing;

struct HuberOp {
  using Spec = Huber;
  template <class T>
  static reference::PointwiseLossResult<T> exact(const Spec& s, const Array<T>& x, const Array<T>& y) {
    return reference::huber(s, x, y);
  }
  template <class T>
  static void kernel(const Spec& s, std::span<const T> x, std::span<const T> y, std::span<T> loss, std::span<T> gx,
                     std::span<T> gy) {
    fast::huber<T>(s, x, y, loss, gx, gy);
  }
};

/// Deltas exact in float32 and ones that are not (0.1, 1e-3: a float32 kernel
/// rounds them, which the error model counts).
rc::Gen<double> deltas() {
  return rc::gen::weightedOneOf<double>({
      {4, rc::gen::element(1.0, 0.5, 2.0, 0.1, 1e-3, 10.0, 1e4)},
      {1, rc::gen::map(gen::ordinary(Dtype::float64, -3, 3), [](double x) { return std::abs(x) > 0 ? std::abs(x) : 1.0; })},
  });
}

/// Offsets of target from input that put |x - y| at delta (exactly when the
/// subtraction is exact, else within a rounding), near it, or anywhere in [0, 3 delta].
rc::Gen<double> offsets(double delta) {
  return rc::gen::weightedOneOf<double>({
      {2, rc::gen::just(delta)},
      {1, rc::gen::map(rc::gen::inRange(-8, 9), [delta](int k) { return delta * (1 + k * 0x1p-26); })},
      {3, rc::gen::map(rc::gen::inRange(0, 3001), [delta](int k) { return delta * k / 1000.0; })},
  });
}

/// Cases with a spec of `reduction` and `delta`, inputs from `value`, targets by `pairing`.
rc::Gen<Case> generate_with(Dtype dtype, rc::Gen<std::string> reduction, rc::Gen<double> delta, rc::Gen<double> value,
                            rc::Gen<Pairing> pairing) {
  return rc::gen::exec([=] {
    const double d = *delta;
    const Json spec{{"reduction", *reduction}, {"delta", d}};
    return *pointwise::cases(Huber::op, dtype, rc::gen::just(spec), value, pairing, offsets(d));
  });
}

/// Hard values (zeros, subnormals, tiny, huge), ties, and differences at, near and
/// around delta.
rc::Gen<Case> generate(Dtype dtype) {
  return generate_with(dtype, pointwise::reductions(), deltas(), pointwise::hard_values(dtype),
                       rc::gen::weightedOneOf<Pairing>({{4, rc::gen::just(Pairing::independent)},
                                                        {1, rc::gen::just(Pairing::some_ties)},
                                                        {1, rc::gen::just(Pairing::all_ties)},
                                                        {4, rc::gen::just(Pairing::offset)}}));
}

/// Differences spread over [0, 3 delta]: both branches and the band between delta / 2 and delta.
rc::Gen<Case> generate_around_delta(Dtype dtype) {
  return generate_with(dtype, pointwise::reductions(), deltas(), gen::ordinary(dtype, -2, 1),
                       rc::gen::just(Pairing::offset));
}

/// As generate_around_delta, with delta != 1.
rc::Gen<Case> generate_delta_not_one(Dtype dtype) {
  return generate_with(dtype, pointwise::reductions(), rc::gen::element(0.5, 2.0, 0.1, 10.0),
                       gen::ordinary(dtype, -2, 1), rc::gen::just(Pairing::offset));
}

/// Values within 10; |x - y| in [0.01, 0.99] delta or [1.01, 10] delta: no ties,
/// and away from delta, where the second derivative jumps.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  return rc::gen::exec([dtype] {
    const double delta = *rc::gen::element(1.0, 0.5, 2.0, 0.1, 3.0);
    const Json spec{{"reduction", *pointwise::reductions()}, {"delta", delta}};
    const auto ratio = rc::gen::oneOf(rc::gen::map(rc::gen::inRange(1, 100), [](int k) { return k / 100.0; }),
                                      rc::gen::map(rc::gen::inRange(101, 1001), [](int k) { return k / 100.0; }));
    return *pointwise::cases(Huber::op, dtype, rc::gen::just(spec), gen::ordinary(dtype, -2, 1),
                             rc::gen::just(Pairing::offset),
                             rc::gen::map(ratio, [delta](double r) { return r * delta; }));
  });
}

std::vector<InvalidCase> invalid_cases() {
  std::vector<InvalidCase> out = pointwise::shared_invalid_cases(Huber::op, spec_to_json(Huber{}));
  const Case base = pointwise::base_case(Huber::op, spec_to_json(Huber{}));
  for (const auto& [text, delta] : {std::pair<const char*, Json>{"delta = 0", 0.0},
                                    {"negative delta", -1.0},
                                    {"delta = nan", "nan"},
                                    {"delta = inf", "inf"},
                                    {"delta not a number", "one"}}) {
    Case c = base;
    c.spec["delta"] = delta;
    out.push_back({text, c, "delta"});
  }
  return out;
}

/// The plain loop: quadratic below threshold_factor * delta (1 when right), linear
/// delta (|d| - offset_factor * delta) above (0.5 when right), loss and gradient
/// divided by delta if divide_by_delta (smooth_l1's normalization; false when right).
template <class T>
NamedArrays<double> loop(const Case& c, double threshold_factor, double offset_factor, bool divide_by_delta,
                         bool target_sign_bug = false) {
  const Huber s = pointwise::spec_of<Huber>(c);
  const double n = static_cast<double>(input(c, "input").size());
  const T delta = static_cast<T>(s.delta), threshold = static_cast<T>(s.delta * threshold_factor);
  const T divisor = divide_by_delta ? delta : T(1);
  return pointwise::plain_loop<T>(
      c, s.reduction,
      [=](T d) {
        const T a = std::abs(d);
        if (a < threshold) return std::pair<T, T>{T(0.5) * a * a / divisor, d / divisor};
        return std::pair<T, T>{delta * (a - static_cast<T>(offset_factor) * delta) / divisor,
                               (d < 0 ? -delta : delta) / divisor};
      },
      static_cast<T>(n), static_cast<T>(s.reduction == spec::Reduction::mean ? 1.0 / n : 1.0), target_sign_bug);
}

std::vector<WrongVariant> wrong_variants() {
  return {
      {"branch_at_half_delta", "quadratic only for |d| < delta / 2, linear delta (|d| - delta / 2) beyond",
       generate_around_delta,
       pointwise::run_in_dtype([](const Case& c, auto zero) { return loop<decltype(zero)>(c, 0.5, 0.5, false); })},
      {"linear_without_half_delta", "linear branch delta |d| instead of delta (|d| - delta / 2)",
       generate_around_delta,
       pointwise::run_in_dtype([](const Case& c, auto zero) { return loop<decltype(zero)>(c, 1, 0, false); })},
      {"smooth_l1_for_huber", "PyTorch's smooth_l1_loss(beta = delta), which is huber / delta",
       generate_delta_not_one,
       pointwise::run_in_dtype([](const Case& c, auto zero) { return loop<decltype(zero)>(c, 1, 0.5, true); })},
      {"grad_target_not_negated", "grad_target = grad_input instead of -grad_input", generate,
       pointwise::run_in_dtype([](const Case& c, auto zero) { return loop<decltype(zero)>(c, 1, 0.5, false, true); })},
  };
}

}  // namespace

const Entry& huber_entry() {
  static const Entry entry{
      .name = Huber::op,
      .kind = "loss",
      .summary = "Huber loss (quadratic below delta, linear above), any shape; loss and gradients for input and target",
      .doc = "losses/huber.md",
      .fields = fields_of<Huber>(),
      .presets = presets_of_spec<Huber>(),
      .inputs = pointwise::input_ports(),
      .outputs = pointwise::output_ports("d(sum of loss) / d input = clamp(x - y, -delta, delta) (/ n)"),
      .make_spec = make_spec_json<Huber>,
      .reference = pointwise::run_reference<HuberOp>,
      .fast = pointwise::run_fast<HuberOp>,
      .error_bound = pointwise::run_error_model<HuberOp>,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = pointwise::gradients(),
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
