// Catalog entry for Adadelta (spec/adadelta.hpp): what is Adadelta's own; the rest
// is the generic rule entry (rule_entry.hpp).
#include <cmath>

#include "gradref/fast/rules/adadelta.hpp"
#include "gradref/reference/rules/adadelta.hpp"
#include "rule_entry.hpp"

namespace gradref::catalog {
namespace {

using spec::Adadelta;

void vary(Adadelta& s, Dtype) {
  s.lr = *rc::gen::element(1e-3, 1e-2, 0.1, 1.0, 0.0, s.lr);
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}})) s.lr_none = !s.lr_none;
  // rho = 1 is valid but leaves v without g: |g| / sqrt(v + eps) is then unbounded.
  // rho = 0 forgets v: delta = sqrt(u + eps) g / sqrt(g^2 + eps) is about sqrt(u) sign(g),
  // so a g within rounding of 0 (L2 decay of a theta that cancelled on the step
  // before) has no bounded error in any float kernel.
  s.rho = *rc::gen::element(s.rho, s.rho, 0.9, 0.95, 0.5);
  s.eps = *rc::gen::element(s.eps, s.eps, 1e-3, 0.1, 1e-10);
  s.weight_decay = *rc::gen::element(0.0, 0.0, 1e-2, 0.1);
  s.decay_style = s.lr_none ? spec::DecayStyle::coupled
                            : *rc::gen::element(s.decay_style, spec::DecayStyle::coupled, spec::DecayStyle::decoupled);
  s.maximize = *rc::gen::arbitrary<bool>();
}

void draw_slots(const Adadelta&, Dtype dtype, std::int64_t n, NamedArrays<Real>& inputs) {
  const double huge = dtype == Dtype::float32 ? 1e18 : 1e150;
  const auto nonnegative = rc::gen::map(gen::hard(dtype, huge * huge * 1e-3), [](double x) { return std::abs(x); });
  inputs.emplace("square_avg", gen::real_array({n}, *gen::values(n, nonnegative)));
  inputs.emplace("acc_delta", gen::real_array({n}, *gen::values(n, nonnegative)));
}

rules::RuleOps<Adadelta> ops() {
  rules::RuleOps<Adadelta> o;
  o.summary = "Adadelta with each framework's lr handling (optax's learning_rate=None: no scaling, no sign flip), "
              "L2 or decoupled decay";
  o.doc = "rules/adadelta.md";
  o.slot_ports = {{"square_avg", "[*param]", "average of g^2, v (PyTorch square_avg, optax e_g, Keras "
                                             "accumulated_grad, TF1 accum)"},
                  {"acc_delta", "[*param]", "average of delta^2, u (PyTorch acc_delta, optax e_x, Keras "
                                            "accumulated_delta_var, TF1 accum_update)"}};
  o.vary_spec = vary;
  o.draw_slots = draw_slots;
  o.bad_fields = {{"negative learning rate", "lr", -1.0},
                  {"rho above 1", "rho", 1.5},
                  {"negative rho", "rho", -0.1},
                  {"negative eps", "eps", -1e-6},
                  {"negative weight decay", "weight_decay", -0.1},
                  {"unknown decay style", "decay_style", "l1"},
                  {"decoupled decay without an lr", "decay_style", "decoupled", {{"lr_none", true}, {"weight_decay", 0.1}}}};
  o.flips = {{"lr_none_flipped", "theta + delta (optax without a learning rate) where the spec has theta - lr delta, "
                                 "and vice versa",
              [](Json& s) { s["lr_none"] = !s["lr_none"].get<bool>(); }},
             {"decay_style_other", "L2 decay where the spec decouples it, and vice versa",
              [](Json& s) { s["decay_style"] = s["decay_style"] == "coupled" ? "decoupled" : "coupled"; }},
             {"weight_decay_ignored", "weight decay left out", [](Json& s) { s["weight_decay"] = 0.0; }},
             {"maximize_ignored", "descent where the spec asks for ascent, and vice versa",
              [](Json& s) { s["maximize"] = !s["maximize"].get<bool>(); }}};
  o.step_dependent = false;
  o.deviations = {
      {"Keras computes -(sqrt(u + eps) g) / sqrt(v + eps), then var += lr delta",
       "the same real number as gradref's (sqrt(u + eps) / sqrt(v + eps)) g; different rounding"},
      {"TF1 computes sqrt(u + eps) * rsqrt(v + eps) * grad", "same real number, different rounding"},
      {"optax computes (1 - rho) g^2 + rho v", "gradref: rho v + ((1 - rho) g) g, the same real number"},
      {"Keras decoupled decay is var - var * wd * lr",
       "gradref computes theta - (lr wd) theta with lr wd rounded once in double: same real number"}};
  return o;
}

}  // namespace

const Entry& adadelta_entry() {
  static const Entry entry = rules::make_entry(ops());
  return entry;
}

}  // namespace gradref::catalog
