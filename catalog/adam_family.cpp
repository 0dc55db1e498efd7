// The parts of the Adam and AdamW catalog entries that come from their shared fields.
#include "adam_family.hpp"

#include <algorithm>
#include <cmath>

namespace gradref::catalog::adam_family {

using spec::AmsgradMax;
using spec::EpsPlacement;

void vary_core(spec::AdamCore& s, Dtype) {
  s.lr = *rc::gen::element(1e-3, 1e-2, 0.1, 0.5, 0.0, s.lr);
  s.beta1 = *rc::gen::element(0.9, 0.0, 0.5, 0.99, s.beta1);
  s.beta2 = *rc::gen::element(0.999, 0.99, 0.9, 0.5, s.beta2);
  // Large eps too, so that where eps sits shows above the rounding.
  s.eps = *rc::gen::element(1e-8, 1e-6, 1e-3, 1e-12, 0.1, s.eps);
  s.amsgrad = *rc::gen::arbitrary<bool>();
  s.maximize = *rc::gen::arbitrary<bool>();
  if (*rc::gen::weightedElement<bool>({{1, true}, {2, false}}))
    s.eps_placement = *rc::gen::element(EpsPlacement::outside, EpsPlacement::inside, EpsPlacement::eps_hat);
  s.bias_correction = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}}))
    s.bias_correction_step = s.bias_correction_step == spec::BiasCorrectionStep::current
                                 ? spec::BiasCorrectionStep::previous
                                 : spec::BiasCorrectionStep::current;
  s.eps_root = s.eps_placement == EpsPlacement::outside ? *rc::gen::element(0.0, 0.0, 1e-8, 1e-3, 0.1) : 0.0;
  s.amsgrad_max = s.eps_placement == EpsPlacement::eps_hat ? AmsgradMax::v
                                                           : *rc::gen::element(AmsgradMax::v, AmsgradMax::v_hat);
}

void draw_slots(const spec::AdamCore& s, Dtype dtype, std::int64_t n, NamedArrays<Real>& inputs) {
  // Largest gradient magnitude the float kernels take without overflowing
  // (1 - beta2) g^2 or the update: far beyond what training produces.
  const double huge = dtype == Dtype::float32 ? 1e18 : 1e150;
  const auto nonnegative = rc::gen::map(gen::hard(dtype, huge * huge * 1e-3), [](double x) { return std::abs(x); });
  const Shape shape{n};
  const std::vector<double> v = *gen::values(n, nonnegative);
  // A reachable state has |m| <= sqrt(v / (1 - beta2)) up to a modest factor (all
  // past gradients enter both); a huge m over a tiny v only measures float overflow.
  std::vector<double> m = *gen::values(n, gen::hard(dtype, huge));
  for (std::size_t i = 0; i < m.size(); ++i) {
    const double limit = 4 * std::sqrt(v[i] / (1 - s.beta2));
    if (std::abs(m[i]) > limit) m[i] = gen::in_dtype(std::copysign(limit, m[i]), dtype);
  }
  inputs.emplace("exp_avg", gen::real_array(shape, m));
  inputs.emplace("exp_avg_sq", gen::real_array(shape, v));
  if (s.amsgrad) {
    std::vector<double> vmax = *gen::values(n, nonnegative);
    for (std::size_t i = 0; i < vmax.size(); ++i) vmax[i] = *rc::gen::arbitrary<bool>() ? v[i] : std::max(v[i], vmax[i]);
    inputs.emplace("max_exp_avg_sq", gen::real_array(shape, vmax));
  }
}

std::vector<rules::BadField> bad_fields() {
  return {{"negative learning rate", "lr", -1e-3},
          {"beta1 = 1 (no decay)", "beta1", 1.0},
          {"negative beta2", "beta2", -0.5},
          {"negative eps", "eps", -1e-8},
          {"negative eps_root", "eps_root", -1e-8},
          {"eps_root with eps inside the root", "eps_root", 1e-8, {{"eps_placement", "inside"}}},
          {"AMSGrad over v_hat in the eps_hat form", "amsgrad_max", "v_hat",
           {{"amsgrad", true}, {"eps_placement", "eps_hat"}}},
          {"unknown eps placement", "eps_placement", "both"},
          {"unknown AMSGrad maximum", "amsgrad_max", "m"},
          {"unknown bias correction step", "bias_correction_step", "next"}};
}

std::vector<rules::Flip> flips() {
  return {{"eps_other_side", "eps inside the root where the spec puts it outside, and vice versa (eps_hat -> inside)",
           [](Json& s) { s["eps_placement"] = s["eps_placement"] == "inside" ? "outside" : "inside"; }},
          {"eps_hat_flipped", "the eps_hat form where the spec has eps outside, and vice versa (inside -> eps_hat)",
           [](Json& s) { s["eps_placement"] = s["eps_placement"] == "eps_hat" ? "outside" : "eps_hat"; }},
          {"eps_root_ignored", "optax's eps_root left out", [](Json& s) { s["eps_root"] = 0.0; }},
          {"bias_correction_flipped", "bias correction left out (or applied when switched off)",
           [](Json& s) { s["bias_correction"] = !s["bias_correction"].get<bool>(); }},
          {"bias_correction_step_other", "bias correction by the steps already taken (ONNX's T) where the spec counts "
                                         "this one, and vice versa",
           [](Json& s) { s["bias_correction_step"] = s["bias_correction_step"] == "current" ? "previous" : "current"; }},
          {"amsgrad_max_other", "AMSGrad's max over v_hat where the spec takes it over v, and vice versa",
           [](Json& s) { s["amsgrad_max"] = s["amsgrad_max"] == "v" ? "v_hat" : "v"; }},
          {"amsgrad_flipped", "plain Adam where the spec asks for AMSGrad (the max left as given), and AMSGrad "
                              "from a zero max where the spec has none",
           [](Json& s) { s["amsgrad"] = !s["amsgrad"].get<bool>(); }},
          {"maximize_ignored", "descent where the spec asks for ascent, and vice versa",
           [](Json& s) { s["maximize"] = !s["maximize"].get<bool>(); }}};
}

std::vector<WrongVariant> extra_variants(std::function<rc::Gen<Case>(Dtype)> generator,
                                         std::function<NamedArrays<double>(const Case&, Dtype)> fast) {
  return {{"betas_swapped", "beta1 and beta2 exchanged", generator, [fast](const Case& c, Dtype dtype) {
             Case wrong = c;
             std::swap(wrong.spec["beta1"], wrong.spec["beta2"]);
             return fast(wrong, dtype);
           }}};
}

std::vector<Deviation> deviations() {
  return {{"m is updated as beta1 m + (1 - beta1) g",
           "PyTorch 2.x writes exp_avg.lerp_(grad, 1 - beta1) = m + (1 - beta1)(g - m), Keras and TF1 m += (g - m)(1 - "
           "beta1), optax (1 - b1) g + b1 m: the same real number, so the reference is unchanged; a float kernel in "
           "another order rounds differently, and this error model analyses gradref's order"},
          {"beta^t is one pow in double",
           "optax and Keras evaluate beta^t in float32, TF1 keeps beta1_power and beta2_power as running float32 "
           "products (multiplied by beta after each step): the exact values are beta^t, as here; the framework's "
           "rounding of them is not modelled"},
          {"eps_hat steps as theta - alpha (m / (sqrt(v) + eps))",
           "ONNX's reference order; Keras and TF1 compute (m alpha) / (sqrt(v) + eps), with alpha = lr sqrt(1 - "
           "beta2^t) / (1 - beta1^t) in the variable's dtype: the same real number"},
          {"sqrt(v) / sqrt(bc2) unless eps_root is set or AMSGrad is over v_hat",
           "optax forms nu_hat = nu / bc2 before the root; gradref does so only where it must (eps_root, or the "
           "stored max of v_hat) and otherwise follows PyTorch's order: the same real number"}};
}

}  // namespace gradref::catalog::adam_family
