// Catalog entry for NAdam (spec/nadam.hpp): what is NAdam's own; the rest is the
// generic rule entry (rule_entry.hpp).
#include <cmath>

#include "gradref/fast/rules/nadam.hpp"
#include "gradref/reference/rules/nadam.hpp"
#include "rule_entry.hpp"

namespace gradref::catalog {
namespace {

using spec::Nadam;

void vary(Nadam& s, Dtype) {
  s.lr = *rc::gen::element(1e-3, 1e-2, 0.1, 0.5, 0.0, s.lr);
  s.beta1 = *rc::gen::element(0.9, 0.0, 0.5, 0.99, s.beta1);
  s.beta2 = *rc::gen::element(0.999, 0.99, 0.9, 0.5, s.beta2);
  // Large eps and eps_root now and then, so their placement shows.
  s.eps = *rc::gen::element(1e-8, 1e-7, 1e-3, 0.1, 1.0, s.eps);
  s.eps_root = *rc::gen::element(0.0, 0.0, 0.0, 1e-8, 0.1, 1.0);
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}}))
    s.momentum_schedule = s.momentum_schedule == spec::MomentumSchedule::dozat ? spec::MomentumSchedule::constant
                                                                               : spec::MomentumSchedule::dozat;
  s.momentum_decay = *rc::gen::element(4e-3, 1.0, 0.1, s.momentum_decay);
  s.weight_decay = *rc::gen::element(0.0, 0.0, 1e-2, 0.1);
  if (*rc::gen::arbitrary<bool>())
    s.decay_style = *rc::gen::element(spec::DecayStyle::coupled, spec::DecayStyle::decoupled);
  s.maximize = *rc::gen::arbitrary<bool>();
}

double huge_for(Dtype dtype) { return dtype == Dtype::float32 ? 1e18 : 1e150; }

void draw_slots(const Nadam& s, Dtype dtype, std::int64_t n, NamedArrays<Real>& inputs) {
  const double huge = huge_for(dtype);
  const auto nonnegative = rc::gen::map(gen::hard(dtype, huge * huge * 1e-3), [](double x) { return std::abs(x); });
  const std::vector<double> v = *gen::values(n, nonnegative);
  // A reachable state has |m| <= sqrt(v / (1 - beta2)) up to a modest factor (all
  // past gradients enter both); a huge m over a tiny v only measures float overflow.
  std::vector<double> m = *gen::values(n, gen::hard(dtype, huge));
  for (std::size_t i = 0; i < m.size(); ++i) {
    const double limit = 4 * std::sqrt(v[i] / (1 - s.beta2));
    if (std::abs(m[i]) > limit) m[i] = gen::in_dtype(std::copysign(limit, m[i]), dtype);
  }
  inputs.emplace("exp_avg", gen::real_array({n}, m));
  inputs.emplace("exp_avg_sq", gen::real_array({n}, v));
  // Any product of factors in [0, beta1) is reachable after some steps; 1 before the first.
  if (!spec::scalar_slots(s).empty())
    inputs.emplace("mu_product",
                   gen::real_array({}, {gen::in_dtype(*rc::gen::element(1.0, 1.0, 0.9, 0.45, 0.01, 1e-30, 0.0), dtype)}));
}

/// The other momentum schedule in place of the spec's: constant beta1 where the
/// spec has Dozat's (mu_product then reported as the right kernel's), and the Dozat
/// schedule, from the product beta1^step, where the spec has constant momentum.
std::vector<WrongVariant> schedule_variant(std::function<rc::Gen<Case>(Dtype)> generator,
                                           std::function<NamedArrays<double>(const Case&, Dtype)> fast) {
  return {{"momentum_schedule_other", "constant momentum where the spec has Dozat's schedule, and vice versa",
           generator, [fast](const Case& c, Dtype dtype) {
             Case wrong = c;
             const bool dozat = c.spec["momentum_schedule"] == "dozat";
             wrong.spec["momentum_schedule"] = dozat ? "constant" : "dozat";
             if (dozat) {
               wrong.inputs.erase("mu_product");
               NamedArrays<double> result = fast(wrong, dtype);
               result.emplace("mu_product", fast(c, dtype).at("mu_product"));
               return result;
             }
             const double beta1 = c.spec["beta1"].get<double>();
             const double step = static_cast<double>(c.inputs.at("step")[0]);
             wrong.inputs.emplace("mu_product", gen::real_array({}, {gen::in_dtype(std::pow(beta1, step), dtype)}));
             NamedArrays<double> result = fast(wrong, dtype);
             result.erase("mu_product");
             return result;
           }}};
}

rules::RuleOps<Nadam> ops() {
  rules::RuleOps<Nadam> o;
  o.summary = "NAdam: Adam with Nesterov momentum; Dozat's momentum schedule (PyTorch psi = 0.004, Keras 0.96^t) "
              "or constant momentum (optax), coupled or decoupled decay";
  o.doc = "rules/nadam.md";
  o.slot_ports = {{"exp_avg", "[*param]", "first moment m"},
                  {"exp_avg_sq", "[*param]", "second moment v"},
                  {"mu_product", "[]", "product of the momentum factors mu_1 ... mu_t (dozat schedule; 1 at step 0)",
                   false, true}};
  o.vary_spec = vary;
  o.draw_slots = draw_slots;
  o.bad_fields = {{"negative learning rate", "lr", -1e-3},
                  {"beta1 = 1", "beta1", 1.0},
                  {"negative beta2", "beta2", -0.5},
                  {"beta2 = 1", "beta2", 1.0},
                  {"negative eps", "eps", -1e-8},
                  {"negative eps_root", "eps_root", -1e-8},
                  {"negative momentum_decay", "momentum_decay", -4e-3},
                  {"infinite momentum_decay", "momentum_decay", "inf"},
                  {"negative weight decay", "weight_decay", -0.1},
                  {"unknown momentum schedule", "momentum_schedule", "keras"},
                  {"unknown decay style", "decay_style", "l1"}};
  o.flips = {{"momentum_decay_other", "Keras's 0.96^t (psi = 1) where the spec has psi = 0.004, and the reverse",
              [](Json& s) { s["momentum_decay"] = s["momentum_decay"].get<double>() == 1.0 ? 4e-3 : 1.0; }},
             {"decay_style_other", "L2 decay where the spec decouples it, and vice versa",
              [](Json& s) { s["decay_style"] = s["decay_style"] == "coupled" ? "decoupled" : "coupled"; }},
             {"weight_decay_ignored", "weight decay left out", [](Json& s) { s["weight_decay"] = 0.0; }},
             {"eps_root_ignored", "eps_root left out of the root", [](Json& s) { s["eps_root"] = 0.0; }},
             {"eps_ignored", "eps left out of the denominator", [](Json& s) { s["eps"] = 0.0; }},
             {"maximize_ignored", "descent where the spec asks for ascent, and vice versa",
              [](Json& s) { s["maximize"] = !s["maximize"].get<bool>(); }}};
  o.step_dependent = true;
  // PyTorch and Keras start the product of momentum factors at 1; the moments at 0.
  o.initial_value = [](const Nadam&, const std::string& slot) { return slot == "mu_product" ? 1.0 : 0.0; };
  o.extra_variants = schedule_variant;
  o.deviations = {
      {"PyTorch updates m as m.lerp_(g, 1 - beta1) = m + (1 - beta1)(g - m), decays theta as theta * (1 - lr wd), "
       "forms mu_product_next in double and the dozat coefficients in double; Keras updates m += (g - m)(1 - beta1), "
       "forms u_product as (u_product beta1)(1 - 0.5 * 0.96^t) and every scalar in float32; optax forms b^t in "
       "float32 and adds m_hat's two terms before dividing",
       "rounding only: the real-number update is the same; gradref's order is documented in docs/rules/nadam.md"}};
  return o;
}

}  // namespace

const Entry& nadam_entry() {
  static const Entry entry = rules::make_entry(ops());
  return entry;
}

}  // namespace gradref::catalog
