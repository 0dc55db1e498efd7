// Catalog entry for Adamax (spec/adamax.hpp): what is Adamax's own; the rest is the
// generic rule entry (rule_entry.hpp).
#include <cmath>

#include "gradref/fast/rules/adamax.hpp"
#include "gradref/reference/rules/adamax.hpp"
#include "rule_entry.hpp"

namespace gradref::catalog {
namespace {

using spec::Adamax;

void vary(Adamax& s, Dtype) {
  s.lr = *rc::gen::element(1e-3, 2e-3, 1e-2, 0.1, 0.0, s.lr);
  s.beta1 = *rc::gen::element(0.9, 0.0, 0.5, 0.99, s.beta1);
  s.beta2 = *rc::gen::element(0.999, 0.99, 0.9, 0.5, s.beta2);
  // Large eps now and then, so that its placement shows.
  s.eps = *rc::gen::element(1e-8, 1e-7, 1e-3, 0.1, 1.0, s.eps);
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}}))
    s.eps_placement = s.eps_placement == spec::AdamaxEps::in_max ? spec::AdamaxEps::denominator : spec::AdamaxEps::in_max;
  s.weight_decay = *rc::gen::element(0.0, 0.0, 1e-2, 0.1);
  if (*rc::gen::arbitrary<bool>())
    s.decay_style = *rc::gen::element(spec::DecayStyle::coupled, spec::DecayStyle::decoupled);
  s.maximize = *rc::gen::arbitrary<bool>();
}

double huge_for(Dtype dtype) { return dtype == Dtype::float32 ? 1e18 : 1e150; }

void draw_slots(const Adamax& s, Dtype dtype, std::int64_t n, NamedArrays<Real>& inputs) {
  const double huge = huge_for(dtype);
  // Without eps the step divides by u: u stays normal (the bound of m / 0 is infinite).
  const auto nonnegative =
      s.eps == 0 ? rc::gen::map(gen::ordinary(dtype), [dtype](double x) { return gen::in_dtype(std::max(std::abs(x), 1e-3), dtype); })
                 : rc::gen::map(gen::hard(dtype, huge), [](double x) { return std::abs(x); });
  const std::vector<double> u = *gen::values(n, nonnegative);
  // A reachable state has |m| <= u up to a modest factor (u >= beta2^k |g| of every
  // past gradient); a huge m over a tiny u only measures float overflow.
  std::vector<double> m = *gen::values(n, gen::hard(dtype, huge));
  for (std::size_t i = 0; i < m.size(); ++i) {
    const double limit = 4 * u[i];
    if (std::abs(m[i]) > limit) m[i] = gen::in_dtype(std::copysign(limit, m[i]), dtype);
  }
  inputs.emplace("exp_avg", gen::real_array({n}, m));
  inputs.emplace("exp_inf", gen::real_array({n}, u));
}

rules::RuleOps<Adamax> ops() {
  rules::RuleOps<Adamax> o;
  o.summary = "Adamax: Adam with the infinity norm u = max(beta2 u, |g|), eps inside the max (PyTorch, optax) or "
              "added to u (Keras, TF), coupled or decoupled decay";
  o.doc = "rules/adamax.md";
  o.slot_ports = {{"exp_avg", "[*param]", "first moment m"}, {"exp_inf", "[*param]", "infinity norm u"}};
  o.vary_spec = vary;
  o.draw_slots = draw_slots;
  o.bad_fields = {{"negative learning rate", "lr", -1e-3},
                  {"beta1 = 1", "beta1", 1.0},
                  {"negative beta1", "beta1", -0.1},
                  {"beta2 = 1", "beta2", 1.0},
                  {"negative eps", "eps", -1e-8},
                  {"infinite eps", "eps", "inf"},
                  {"negative weight decay", "weight_decay", -0.1},
                  {"unknown eps placement", "eps_placement", "inside"},
                  {"unknown decay style", "decay_style", "l1"}};
  o.flips = {{"eps_placement_other", "eps added to u where the spec puts it inside the max, and vice versa",
              [](Json& s) { s["eps_placement"] = s["eps_placement"] == "in_max" ? "denominator" : "in_max"; }},
             {"decay_style_other", "L2 decay where the spec decouples it, and vice versa",
              [](Json& s) { s["decay_style"] = s["decay_style"] == "coupled" ? "decoupled" : "coupled"; }},
             {"weight_decay_ignored", "weight decay left out", [](Json& s) { s["weight_decay"] = 0.0; }},
             {"eps_ignored", "eps left out", [](Json& s) { s["eps"] = 0.0; }},
             {"maximize_ignored", "descent where the spec asks for ascent, and vice versa",
              [](Json& s) { s["maximize"] = !s["maximize"].get<bool>(); }}};
  o.step_dependent = true;
  o.deviations = {
      {"PyTorch updates m as m.lerp_(g, 1 - beta1) and steps p + (-clr m) / u; Keras updates m += (g - m)(1 - "
       "beta1) and steps var -= (lr m) / ((1 - beta1^t)(u + eps)) with beta1^t in float32; optax forms beta1^t in "
       "float32 and applies -lr after m_hat / u",
       "rounding only: the real-number update is the same; gradref's order (TF ApplyAdaMax's grouping) is documented "
       "in docs/rules/adamax.md"}};
  return o;
}

}  // namespace

const Entry& adamax_entry() {
  static const Entry entry = rules::make_entry(ops());
  return entry;
}

}  // namespace gradref::catalog
