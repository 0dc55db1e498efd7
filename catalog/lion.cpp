// Catalog entry for Lion (spec/lion.hpp): what is Lion's own; the rest is the
// generic rule entry (rule_entry.hpp).
#include "gradref/fast/rules/lion.hpp"
#include "gradref/reference/rules/lion.hpp"
#include "rule_entry.hpp"

namespace gradref::catalog {
namespace {

using spec::Lion;

void vary(Lion& s, Dtype) {
  s.lr = *rc::gen::element(1e-4, 3e-4, 1e-3, 0.1, 0.0, s.lr);
  s.beta1 = *rc::gen::element(0.9, 0.95, 0.5, 0.0, 1.0, s.beta1);
  s.beta2 = *rc::gen::element(0.99, 0.98, 0.9, 0.5, 1.0, s.beta2);
  s.weight_decay = *rc::gen::element(0.0, 0.0, 1e-3, 0.1, 1.0, s.weight_decay);
  s.maximize = *rc::gen::arbitrary<bool>();
}

void draw_slots(const Lion& s, Dtype dtype, std::int64_t n, NamedArrays<Real>& inputs) {
  const double huge = dtype == Dtype::float32 ? 1e18 : 1e150;
  for (const char* name : spec::slots(s)) inputs.emplace(name, gen::real_array({n}, *gen::values(n, gen::hard(dtype, huge))));
}

rules::RuleOps<Lion> ops() {
  rules::RuleOps<Lion> o;
  o.summary = "Lion: the sign of (1 - beta1) g + beta1 m as the step, momentum m decayed with beta2, decoupled "
              "decay multiplied by lr";
  o.doc = "rules/lion.md";
  o.slot_ports = {{"exp_avg", "[*param]", "momentum m"}};
  o.vary_spec = vary;
  o.draw_slots = draw_slots;
  o.bad_fields = {{"negative learning rate", "lr", -1e-3},
                  {"beta1 above 1", "beta1", 1.5},
                  {"negative beta1", "beta1", -0.1},
                  {"beta2 above 1", "beta2", 1.01},
                  {"NaN beta2", "beta2", "nan"},
                  {"negative weight decay", "weight_decay", -0.1},
                  {"infinite weight decay", "weight_decay", "inf"}};
  o.flips = {{"betas_swapped", "beta2 in the interpolation and beta1 in the momentum (the betas swapped)",
              [](Json& s) {
                const Json b1 = s["beta1"];
                s["beta1"] = s["beta2"];
                s["beta2"] = b1;
              }},
             {"decay_not_scaled_by_lr", "theta -= wd theta, without lr (decay as a fraction per step)",
              [](Json& s) {
                const double lr = s["lr"].get<double>();
                if (lr > 0) s["weight_decay"] = s["weight_decay"].get<double>() / lr;
              }},
             {"weight_decay_ignored", "weight decay left out", [](Json& s) { s["weight_decay"] = 0.0; }},
             {"maximize_ignored", "descent where the spec asks for ascent, and vice versa",
              [](Json& s) { s["maximize"] = !s["maximize"].get<bool>(); }}};
  o.step_dependent = false;  // no bias correction, no schedule: the counter only advances
  o.deviations = {
      {"optax computes (1 - b1) g + b1 m and u = sign(c) + wd theta, then -lr u; Keras decays var - var wd lr "
       "first and computes sign(m b1 + g (1 - b1)), m b2 + g (1 - b2)",
       "rounding only: the real-number update is the same; gradref decays first (docs/rules/lion.md)"},
      {"optax's scale_by_lion modes 'smooth' (tanh) and 'refined' are not modelled", "optax.lion uses 'hard' (sign)"}};
  return o;
}

}  // namespace

const Entry& lion_entry() {
  static const Entry entry = rules::make_entry(ops());
  return entry;
}

}  // namespace gradref::catalog
