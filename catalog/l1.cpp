// Catalog entry for the L1 (absolute error) loss.
#include <cmath>

#include "gradref/fast/losses/l1.hpp"
#include "gradref/reference/losses/l1.hpp"
#include "pointwise_loss.hpp"

namespace gradref::catalog {
namespace {

using spec::L1;
using pointwise::Pairing;

struct L1Op {
  using Spec = L1;
  template <class T>
  static reference::PointwiseLossResult<T> exact(const Spec& s, const Array<T>& x, const Array<T>& y) {
    return reference::l1(s, x, y);
  }
  template <class T>
  static void kernel(const Spec& s, std::span<const T> x, std::span<const T> y, std::span<T> loss, std::span<T> gx,
                     std::span<T> gy) {
    fast::l1<T>(s, x, y, loss, gx, gy);
  }
};

rc::Gen<Json> specs(rc::Gen<std::string> reduction) {
  return rc::gen::map(std::move(reduction), [](const std::string& r) { return Json{{"reduction", r}}; });
}

rc::Gen<Case> generate_with(Dtype dtype, rc::Gen<std::string> reduction, rc::Gen<Pairing> pairing) {
  return pointwise::cases(L1::op, dtype, specs(std::move(reduction)), pointwise::hard_values(dtype),
                          std::move(pairing), gen::ordinary(dtype, -8, 0));
}

/// Hard values (zeros, subnormals, tiny, huge), ties (the kink), and targets a
/// small offset away from their input.
rc::Gen<Case> generate(Dtype dtype) {
  return generate_with(dtype, pointwise::reductions(),
                       rc::gen::weightedOneOf<Pairing>({{5, rc::gen::just(Pairing::independent)},
                                                        {3, rc::gen::just(Pairing::some_ties)},
                                                        {1, rc::gen::just(Pairing::all_ties)},
                                                        {1, rc::gen::just(Pairing::offset)}}));
}

rc::Gen<Case> generate_ties(Dtype dtype) {
  return generate_with(dtype, pointwise::reductions(),
                       rc::gen::element(Pairing::some_ties, Pairing::all_ties));
}

rc::Gen<Case> generate_mean(Dtype dtype) {
  return generate_with(dtype, rc::gen::just<std::string>("mean"), rc::gen::just(Pairing::independent));
}

/// Values within 10, no ties: differences of at least 0.01, away from the kink.
rc::Gen<Case> generate_moderate(Dtype dtype) {
  return pointwise::cases(L1::op, dtype, specs(pointwise::reductions()), gen::ordinary(dtype, -2, 1),
                          rc::gen::just(Pairing::offset),
                          rc::gen::map(rc::gen::inRange(1, 1000), [](int k) { return k / 100.0; }));
}

std::vector<InvalidCase> invalid_cases() { return pointwise::shared_invalid_cases(L1::op, spec_to_json(L1{})); }

/// The plain loop with sign(0) and the gradient's scaling as given.
template <class T>
NamedArrays<double> loop(const Case& c, T sign_of_zero, bool scale_gradient, bool target_sign_bug = false) {
  const L1 s = pointwise::spec_of<L1>(c);
  const double n = static_cast<double>(input(c, "input").size());
  const bool mean = s.reduction == spec::Reduction::mean;
  return pointwise::plain_loop<T>(
      c, s.reduction,
      [sign_of_zero](T d) { return std::pair<T, T>{std::abs(d), d > 0 ? T(1) : d < 0 ? T(-1) : sign_of_zero}; },
      static_cast<T>(n), static_cast<T>(mean && scale_gradient ? 1.0 / n : 1.0), target_sign_bug);
}

std::vector<WrongVariant> wrong_variants() {
  return {
      {"sign_of_zero_is_one", "gradient +1 at ties (x >= y ? 1 : -1) instead of PyTorch's sign(0) = 0",
       generate_ties, pointwise::run_in_dtype([](const Case& c, auto zero) { return loop(c, decltype(zero)(1), true); })},
      {"mean_gradient_unscaled", "reduction mean divides the loss by n but not the gradient", generate_mean,
       pointwise::run_in_dtype([](const Case& c, auto zero) { return loop(c, decltype(zero)(0), false); })},
      {"grad_target_not_negated", "grad_target = grad_input instead of -grad_input", generate,
       pointwise::run_in_dtype([](const Case& c, auto zero) { return loop(c, decltype(zero)(0), true, true); })},
  };
}

}  // namespace

const Entry& l1_entry() {
  static const Entry entry{
      .name = L1::op,
      .kind = "loss",
      .summary = "L1 loss |x - y|, any shape; loss and subgradients sign(x - y) (sign(0) = 0) for input and target",
      .doc = "losses/l1.md",
      .fields = fields_of<L1>(),
      .presets = presets_of_spec<L1>(),
      .inputs = pointwise::input_ports(),
      .outputs = pointwise::output_ports("d(sum of loss) / d input; 0 where x = y"),
      .make_spec = make_spec_json<L1>,
      .reference = pointwise::run_reference<L1Op>,
      .fast = pointwise::run_fast<L1Op>,
      .error_bound = pointwise::run_error_model<L1Op>,
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
