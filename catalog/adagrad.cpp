// Catalog entry for AdaGrad (spec/adagrad.hpp): what is AdaGrad's own; the rest is
// the generic rule entry (rule_entry.hpp).
#include <cmath>

#include "gradref/fast/rules/adagrad.hpp"
#include "gradref/reference/rules/adagrad.hpp"
#include "rule_entry.hpp"

namespace gradref::catalog {
namespace {

using spec::Adagrad;

void vary(Adagrad& s, Dtype) {
  s.lr = *rc::gen::element(1e-3, 1e-2, 0.1, 0.5, 0.0, s.lr);
  s.lr_decay = *rc::gen::element(0.0, 0.0, 1e-3, 0.1, 1.0);
  // Large eps against small accumulators is where the placements differ.
  s.eps = *rc::gen::element(s.eps, s.eps, 1e-3, 0.1, 1e-10, 0.0);
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}}))
    s.eps_placement = s.eps_placement == spec::RootEps::outside ? spec::RootEps::inside : spec::RootEps::outside;
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}})) s.zero_guard = !s.zero_guard;
  if (s.eps == 0 && !s.zero_guard && s.initial_accumulator_value == 0) s.initial_accumulator_value = 0.1;
  s.weight_decay = *rc::gen::element(0.0, 0.0, 1e-2, 0.1);
  if (*rc::gen::arbitrary<bool>())
    s.decay_style = *rc::gen::element(spec::DecayStyle::coupled, spec::DecayStyle::decoupled);
  s.maximize = *rc::gen::arbitrary<bool>();
}

/// S = initial value + earlier squares (a reachable accumulator). Without eps the
/// accumulator stays at least the initial value (TF1 requires it > 0): a zero S
/// there meets a gradient whose square underflows, and g / sqrt(fl(S)) = g / 0.
/// With the zero guard and no eps, some elements get S = 0 with zero gradients
/// on every step and theta = 0 (so L2 decay keeps g = 0): the case the guard
/// exists for.
void draw_slots(const Adagrad& s, Dtype dtype, std::int64_t n, NamedArrays<Real>& inputs) {
  const double huge = dtype == Dtype::float32 ? 1e18 : 1e150;
  const auto squares = rc::gen::map(gen::hard(dtype, huge * huge * 1e-3), [](double x) { return std::abs(x); });
  std::vector<double> sum = *gen::values(n, squares);
  const double floor = gen::in_dtype(s.eps == 0 ? std::max(s.initial_accumulator_value, 1e-3) : 0.0, dtype);
  for (double& x : sum) x = std::max(gen::in_dtype(s.initial_accumulator_value + x, dtype), floor);
  if (s.eps == 0 && s.zero_guard && *rc::gen::arbitrary<bool>()) {
    Array<Real>& grad = inputs.at("grad");
    Array<Real>& param = inputs.at("param");
    for (std::int64_t i = 0; i < n; ++i) {
      if (!*rc::gen::arbitrary<bool>()) continue;
      sum[static_cast<std::size_t>(i)] = 0.0;
      param[i] = Real(0);  // coupled decay adds wd theta to g
      for (std::int64_t at = i; at < grad.size(); at += n) grad[at] = Real(0);
    }
  }
  inputs.emplace("sum", gen::real_array({n}, sum));
}

/// optax's guard: where S = 0 the update is 0. Without eps a kernel that divides
/// anyway returns 0 / 0; the cases have S = 0, theta = 0 and zero gradients on element 0.
std::vector<WrongVariant> zero_guard_variant(std::function<rc::Gen<Case>(Dtype)> generator,
                                             std::function<NamedArrays<double>(const Case&, Dtype)> fast) {
  const auto guarded_cases = [generator](Dtype d) {
    return rc::gen::map(generator(d), [](Case c) {
      c.spec["eps"] = 0.0;
      c.spec["zero_guard"] = true;
      c.spec["initial_accumulator_value"] = 0.1;
      Array<Real>& sum = c.inputs.at("sum");
      Array<Real>& grad = c.inputs.at("grad");
      for (std::int64_t i = 1; i < sum.size(); ++i)
        if (sum[i] == 0) sum[i] = Real(1);
      sum[0] = Real(0);
      c.inputs.at("param")[0] = Real(0);
      for (std::int64_t at = 0; at < grad.size(); at += sum.size()) grad[at] = Real(0);
      return c;
    });
  };
  return {{"zero_guard_ignored", "the update divides where S = 0 (0 / 0 without eps) instead of skipping it",
           guarded_cases, [fast](const Case& c, Dtype dtype) {
             Case wrong = c;
             wrong.spec["zero_guard"] = false;
             return fast(wrong, dtype);
           }}};
}

rules::RuleOps<Adagrad> ops() {
  rules::RuleOps<Adagrad> o;
  o.summary = "AdaGrad with eps inside or outside the root (or none), lr decay, optax's zero guard, L2 or "
              "decoupled decay";
  o.doc = "rules/adagrad.md";
  o.slot_ports = {{"sum", "[*param]", "sum of squared gradients S (PyTorch sum, optax sum_of_squares, Keras/TF1 "
                                      "accumulator, ONNX H)"}};
  o.vary_spec = vary;
  o.draw_slots = draw_slots;
  o.bad_fields = {{"negative learning rate", "lr", -1e-3},
                  {"negative lr_decay", "lr_decay", -0.1},
                  {"negative eps", "eps", -1e-10},
                  {"negative initial accumulator", "initial_accumulator_value", -0.1},
                  {"zero initial accumulator without eps", "initial_accumulator_value", 0.0, {{"eps", 0.0}}},
                  {"negative weight decay", "weight_decay", -0.1},
                  {"unknown eps placement", "eps_placement", "both"},
                  {"unknown decay style", "decay_style", "l1"}};
  o.flips = {{"eps_other_side", "eps inside the root where the spec puts it outside, and vice versa",
              [](Json& s) { s["eps_placement"] = s["eps_placement"] == "outside" ? "inside" : "outside"; }},
             {"eps_ignored", "no eps (TF1's rsqrt(S)) where the spec has one", [](Json& s) { s["eps"] = 0.0; }},
             {"lr_decay_ignored", "lr_decay left out", [](Json& s) { s["lr_decay"] = 0.0; }},
             {"decay_style_other", "L2 decay where the spec decouples it, and vice versa",
              [](Json& s) { s["decay_style"] = s["decay_style"] == "coupled" ? "decoupled" : "coupled"; }},
             {"weight_decay_ignored", "weight decay left out", [](Json& s) { s["weight_decay"] = 0.0; }},
             {"maximize_ignored", "descent where the spec asks for ascent, and vice versa",
              [](Json& s) { s["maximize"] = !s["maximize"].get<bool>(); }}};
  o.step_dependent = true;  // lr_decay
  o.extra_variants = zero_guard_variant;
  o.deviations = {
      {"optax computes rsqrt(S + eps) * g, then * (-lr)",
       "the same real number as gradref's (lr g) / sqrt(S + eps); a kernel in optax's order rounds differently "
       "(and XLA's rsqrt need not be correctly rounded)"},
      {"optax tests the rounded S > 0",
       "gradref's guard is the exact S = 0 (old S and g both 0); optax's float test also skips the update where g^2 "
       "underflows to 0 on a zero accumulator, a rounding effect"},
      {"TF1 computes grad * lr * rsqrt(accum)", "eps = 0 here; same real number, different rounding"},
      {"Keras decoupled decay is var - var * wd * lr",
       "gradref computes theta - (lr wd) theta with lr wd rounded once in double: same real number"}};
  return o;
}

}  // namespace

const Entry& adagrad_entry() {
  static const Entry entry = rules::make_entry(ops());
  return entry;
}

}  // namespace gradref::catalog
