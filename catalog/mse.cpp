// Catalog entry for the mean squared error.
#include "gradref/fast/losses/mse.hpp"
#include "gradref/reference/losses/mse.hpp"
#include "pointwise_loss.hpp"

namespace gradref::catalog {
namespace {

using spec::Mse;
using pointwise::Pairing;

struct MseOp {
  using Spec = Mse;
  template <class T>
  static reference::PointwiseLossResult<T> exact(const Spec& s, const Array<T>& x, const Array<T>& y) {
    return reference::mse(s, x, y);
  }
  template <class T>
  static void kernel(const Spec& s, std::span<const T> x, std::span<const T> y, std::span<T> loss, std::span<T> gx,
                     std::span<T> gy) {
    fast::mse<T>(s, x, y, loss, gx, gy);
  }
};

rc::Gen<Json> specs(rc::Gen<std::string> reduction) {
  return rc::gen::map(std::move(reduction), [](const std::string& r) { return Json{{"reduction", r}}; });
}

/// Hard values (zeros, subnormals, tiny, up to 1e15 / 1e150), ties, and targets a
/// small offset away from their input.
rc::Gen<Case> generate_with(Dtype dtype, rc::Gen<std::string> reduction) {
  return pointwise::cases(Mse::op, dtype, specs(std::move(reduction)), pointwise::hard_values(dtype),
                          rc::gen::weightedOneOf<Pairing>({{6, rc::gen::just(Pairing::independent)},
                                                           {2, rc::gen::just(Pairing::some_ties)},
                                                           {1, rc::gen::just(Pairing::all_ties)},
                                                           {2, rc::gen::just(Pairing::offset)}}),
                          gen::ordinary(dtype, -8, 0));
}

rc::Gen<Case> generate(Dtype dtype) { return generate_with(dtype, pointwise::reductions()); }
rc::Gen<Case> generate_mean(Dtype dtype) { return generate_with(dtype, rc::gen::just<std::string>("mean")); }

/// Values within 10, differences of at least 0.01.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  return pointwise::cases(Mse::op, dtype, specs(pointwise::reductions()), gen::ordinary(dtype, -2, 1),
                          rc::gen::just(Pairing::offset),
                          rc::gen::map(rc::gen::inRange(1, 1000), [](int k) { return k / 100.0; }));
}

std::vector<InvalidCase> invalid_cases() { return pointwise::shared_invalid_cases(Mse::op, spec_to_json(Mse{})); }

/// The plain loop with the mean's divisor, the gradient's factor and the sign of
/// grad_target as given.
template <class T>
NamedArrays<double> loop(const Case& c, double divisor, double grad_factor, bool target_sign_bug = false) {
  const Mse s = pointwise::spec_of<Mse>(c);
  const bool mean = s.reduction == spec::Reduction::mean;
  return pointwise::plain_loop<T>(c, s.reduction, [](T d) { return std::pair<T, T>{d * d, d}; },
                                  static_cast<T>(divisor), static_cast<T>(mean ? grad_factor / divisor : grad_factor),
                                  target_sign_bug);
}

double count(const Case& c) { return static_cast<double>(input(c, "input").size()); }

std::vector<WrongVariant> wrong_variants() {
  return {
      {"sum_for_mean", "reduction mean returns the sum: no 1/n on the loss or the gradient", generate_mean,
       pointwise::run_in_dtype([](const Case& c, auto zero) { return loop<decltype(zero)>(c, 1, 2); })},
      {"mean_over_first_axis", "the mean divides by the first extent (a batch size), not the element count",
       generate_mean, pointwise::run_in_dtype([](const Case& c, auto zero) {
         return loop<decltype(zero)>(c, static_cast<double>(input(c, "input").extent(0)), 2);
       })},
      {"gradient_missing_2", "gradient (x - y) scale instead of 2 (x - y) scale", generate,
       pointwise::run_in_dtype([](const Case& c, auto zero) { return loop<decltype(zero)>(c, count(c), 1); })},
      {"grad_target_not_negated", "grad_target = grad_input instead of -grad_input", generate,
       pointwise::run_in_dtype([](const Case& c, auto zero) { return loop<decltype(zero)>(c, count(c), 2, true); })},
      {"float32_arithmetic", "a float64 kernel that computes in float32", generate,
       [](const Case& c, Dtype) {
         Case rounded = c;
         for (auto& [name, a] : rounded.inputs)
           a = a.map<Real>([](const Real& v) { return exact(static_cast<double>(round_to_float(v))); });
         return loop<float>(rounded, count(c), 2);
       },
       {Dtype::float64}},
  };
}

}  // namespace

const Entry& mse_entry() {
  static const Entry entry{
      .name = Mse::op,
      .kind = "loss",
      .summary = "mean squared error (x - y)^2, any shape; loss and d loss / d input, d loss / d target",
      .doc = "losses/mse.md",
      .fields = fields_of<Mse>(),
      .presets = presets_of_spec<Mse>(),
      .inputs = pointwise::input_ports(),
      .outputs = pointwise::output_ports("d(sum of loss) / d input"),
      .make_spec = make_spec_json<Mse>,
      .reference = pointwise::run_reference<MseOp>,
      .fast = pointwise::run_fast<MseOp>,
      .error_bound = pointwise::run_error_model<MseOp>,
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
