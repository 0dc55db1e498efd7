// Catalog entry for RMSProp (spec/rmsprop.hpp): what is RMSProp's own; the rest is
// the generic rule entry (rule_entry.hpp).
#include <cmath>
#include <limits>

#include "gradref/fast/rules/rmsprop.hpp"
#include "gradref/reference/rules/rmsprop.hpp"
#include "rule_entry.hpp"

namespace gradref::catalog {
namespace {

using spec::Rmsprop;
using spec::RmspropMomentum;

void vary(Rmsprop& s, Dtype) {
  s.lr = *rc::gen::element(1e-3, 1e-2, 0.1, 0.5, 0.0, s.lr);
  // rho = 0 forgets v: the step is lr g / (|g| + eps), about lr sign(g), so a g within
  // rounding of 0 (L2 decay of a theta that cancelled on the step before) has no
  // bounded error in any float kernel.
  s.rho = *rc::gen::element(s.rho, s.rho, 0.9, 0.99, 0.5);
  // Large eps against small averages is where the placements differ.
  s.eps = *rc::gen::element(s.eps, s.eps, 1e-3, 0.1, 1e-10);
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}}))
    s.eps_placement = s.eps_placement == spec::RootEps::outside ? spec::RootEps::inside : spec::RootEps::outside;
  s.centered = *rc::gen::arbitrary<bool>();
  s.momentum = *rc::gen::element(0.0, 0.9, 0.5, 0.99);
  if (*rc::gen::weightedElement<bool>({{1, true}, {2, false}}))
    s.momentum_form = *rc::gen::element(RmspropMomentum::heavy_ball, RmspropMomentum::lr_inside,
                                        RmspropMomentum::velocity);
  s.nesterov = s.momentum > 0 && *rc::gen::weightedElement<bool>({{1, true}, {2, false}});
  s.bias_correction = *rc::gen::weightedElement<bool>({{1, true}, {2, false}});
  s.weight_decay = *rc::gen::element(0.0, 0.0, 1e-2, 0.1);
  if (*rc::gen::arbitrary<bool>())
    s.decay_style = *rc::gen::element(spec::DecayStyle::coupled, spec::DecayStyle::decoupled);
  s.maximize = *rc::gen::arbitrary<bool>();
}

/// The smallest value at least x that the dtype holds.
double up_in_dtype(double x, Dtype dtype) {
  const double r = gen::in_dtype(x, dtype);
  if (r >= x) return r;
  return dtype == Dtype::float32 ? static_cast<double>(std::nextafter(static_cast<float>(r), 1e30f))
                                 : std::nextafter(r, 1e300);
}

/// Reachable states. Centered: w = v_hat - gbar_hat^2 >= 0 is what every step keeps
/// (v_t - gbar_t^2 = rho (v - gbar^2) + rho (1 - rho) (g - gbar)^2; with bias
/// correction bc_t v_t - gbar_t^2 >= rho^2 (bc v - gbar^2)), so the state is drawn
/// with bc v >= (1 + 1/16) gbar^2, a margin far above rounding; bc depends on the
/// counter, which is drawn here for those cases (the generic generator keeps a step
/// input that is already there). The counter starts at 1 there: the first step
/// from the zero state has w = g^2 - g^2 = 0 exactly (the variance of one sample),
/// so the denominator is eps (or sqrt(eps)) while any float kernel's w is rounding
/// noise of size u g^2, which no error bound covers.
void draw_slots(const Rmsprop& s, Dtype dtype, std::int64_t n, NamedArrays<Real>& inputs) {
  const double huge = dtype == Dtype::float32 ? 1e18 : 1e150;
  const auto nonnegative = rc::gen::map(gen::hard(dtype, huge * huge * 1e-3), [](double x) { return std::abs(x); });
  std::vector<double> v = *gen::values(n, nonnegative);
  if (s.centered) {
    double bc = 1.0;
    if (s.bias_correction) {
      const std::int64_t step0 = *rc::gen::weightedOneOf<std::int64_t>(
          {{6, rc::gen::inRange<std::int64_t>(1, 10)}, {1, rc::gen::inRange<std::int64_t>(1000, 1000001)}});
      inputs.emplace("step", gen::real_array(Shape{}, {static_cast<double>(step0)}));
      bc = 1.0 - std::pow(s.rho, static_cast<double>(step0));
    }
    const double tiny = dtype == Dtype::float32 ? 1e-30 : 1e-290;
    const double cap = huge * huge * 1e-3;
    std::vector<double> gbar = *gen::values(n, gen::hard(dtype, huge));
    for (std::size_t i = 0; i < gbar.size(); ++i) {
      double need = gbar[i] * gbar[i] * (1.0 + 1.0 / 16) / bc;
      if (need > cap) {  // v / bc stays finite in the dtype
        gbar[i] = gen::in_dtype(gbar[i] * std::sqrt(cap / need), dtype);
        need = gbar[i] * gbar[i] * (1.0 + 1.0 / 16) / bc;
      }
      if (need < tiny) {
        gbar[i] = 0.0;
      } else {
        v[i] = std::max(v[i], up_in_dtype(need, dtype));
      }
    }
    inputs.emplace("square_avg", gen::real_array({n}, v));
    inputs.emplace("grad_avg", gen::real_array({n}, gbar));
  } else {
    inputs.emplace("square_avg", gen::real_array({n}, v));
  }
  const std::vector<const char*> names = spec::slots(s);
  if (s.momentum != 0)
    inputs.emplace(names.back(), gen::real_array({n}, *gen::values(n, gen::hard(dtype, huge))));
}

/// Runs `fast` on the case with centered switched; `grad_avg` is then added (from
/// the correct kernel) or removed, so only the denominator is wrong.
std::vector<WrongVariant> centered_variants(std::function<rc::Gen<Case>(Dtype)> generator,
                                            std::function<NamedArrays<double>(const Case&, Dtype)> fast) {
  const auto with_centered = [generator](bool centered) {
    return [generator, centered](Dtype d) {
      return rc::gen::suchThat(generator(d), [centered](const Case& c) { return c.spec["centered"] == centered; });
    };
  };
  return {{"centered_ignored", "the denominator uses v, not v - gbar^2, although gbar is kept", with_centered(true),
           [fast](const Case& c, Dtype dtype) {
             Case wrong = c;
             wrong.spec["centered"] = false;
             wrong.inputs.erase("grad_avg");
             NamedArrays<double> out = fast(wrong, dtype);
             out.emplace("grad_avg", fast(c, dtype).at("grad_avg"));
             return out;
           }},
          {"centered_spurious", "the denominator subtracts gbar^2 (from a zero gbar) where the spec is not centered",
           with_centered(false), [fast](const Case& c, Dtype dtype) {
             Case wrong = c;
             wrong.spec["centered"] = true;
             wrong.inputs.emplace("grad_avg", c.inputs.at("param").map<Real>([](const Real&) { return Real(0); }));
             NamedArrays<double> out = fast(wrong, dtype);
             out.erase("grad_avg");
             return out;
           }}};
}

std::string other_lr_form(const std::string& form) { return form == "heavy_ball" ? "lr_inside" : "heavy_ball"; }
std::string other_sign_form(const std::string& form) { return form == "lr_inside" ? "velocity" : "lr_inside"; }

rules::RuleOps<Rmsprop> ops() {
  rules::RuleOps<Rmsprop> o;
  o.summary = "RMSProp with eps inside or outside the root, centered, three momentum forms, Nesterov, optax's bias "
              "correction, L2 or decoupled decay";
  o.doc = "rules/rmsprop.md";
  o.slot_ports = {
      {"square_avg", "[*param]", "square average v (PyTorch square_avg, optax nu, Keras velocity, TF1 rms)"},
      {"grad_avg", "[*param]", "gradient average gbar (centered; PyTorch grad_avg, optax mu, TF1 mg)", false, true},
      {"momentum_buffer", "[*param]", "heavy_ball buffer b of g / denom (PyTorch)", false, true},
      {"momentum", "[*param]", "lr_inside momentum m of lr g / denom (Keras momentum, TF1 mom)", false, true},
      {"velocity", "[*param]", "velocity u of -lr g / denom (optax trace)", false, true}};
  o.vary_spec = vary;
  o.draw_slots = draw_slots;
  o.base_spec = {{"momentum", 0.9}, {"centered", true}};
  o.bad_fields = {{"negative learning rate", "lr", -1e-3},
                  {"rho above 1", "rho", 1.5},
                  {"negative rho", "rho", -0.1},
                  {"negative eps", "eps", -1e-8},
                  {"momentum = 1", "momentum", 1.0},
                  {"negative momentum", "momentum", -0.5},
                  {"negative weight decay", "weight_decay", -0.1},
                  {"unknown eps placement", "eps_placement", "both"},
                  {"unknown momentum form", "momentum_form", "both"},
                  {"unknown decay style", "decay_style", "l1"},
                  {"nesterov without momentum", "momentum", 0.0, {{"nesterov", true}}},
                  {"bias correction with rho = 1", "rho", 1.0, {{"bias_correction", true}}}};
  o.flips = {{"eps_other_side", "eps inside the root where the spec puts it outside, and vice versa",
              [](Json& s) { s["eps_placement"] = s["eps_placement"] == "outside" ? "inside" : "outside"; }},
             {"momentum_lr_other", "lr inside the momentum state where the spec keeps it outside, and vice versa",
              [](Json& s) { s["momentum_form"] = other_lr_form(s["momentum_form"].get<std::string>()); }},
             {"momentum_sign_other", "the momentum state of +lr g / denom read as -lr g / denom, and vice versa",
              [](Json& s) { s["momentum_form"] = other_sign_form(s["momentum_form"].get<std::string>()); }},
             {"nesterov_flipped", "Nesterov momentum where the spec has plain momentum, and vice versa",
              [](Json& s) { s["nesterov"] = !s["nesterov"].get<bool>(); }},
             {"bias_correction_flipped", "bias correction left out (or applied when switched off)",
              [](Json& s) { s["bias_correction"] = !s["bias_correction"].get<bool>(); }},
             {"decay_style_other", "L2 decay where the spec decouples it, and vice versa",
              [](Json& s) { s["decay_style"] = s["decay_style"] == "coupled" ? "decoupled" : "coupled"; }},
             {"weight_decay_ignored", "weight decay left out", [](Json& s) { s["weight_decay"] = 0.0; }},
             {"maximize_ignored", "descent where the spec asks for ascent, and vice versa",
              [](Json& s) { s["maximize"] = !s["maximize"].get<bool>(); }}};
  o.step_dependent = true;  // bias_correction
  o.extra_variants = centered_variants;
  o.deviations = {
      {"optax computes rsqrt(w + eps) * g (or g * 1 / (sqrt(w) + eps)), then * (-lr), then its trace",
       "the same real numbers as gradref's (lr g) / denom and velocity form; a kernel in optax's order rounds "
       "differently, and optax's 1 - decay^t is a float32 power"},
      {"PyTorch updates gbar as grad_avg.lerp_(grad, 1 - alpha)",
       "gbar + (1 - alpha)(g - gbar), the same real number as rho gbar + (1 - rho) g"},
      {"TF1 updates ms += (g^2 - ms)(1 - rho) and always runs its momentum kernel",
       "the same real numbers; at momentum 0 TF1 still keeps a mom slot (the last step), gradref keeps none"},
      {"Keras decoupled decay is var - var * wd * lr",
       "gradref computes theta - (lr wd) theta with lr wd rounded once in double: same real number"}};
  return o;
}

}  // namespace

const Entry& rmsprop_entry() {
  static const Entry entry = rules::make_entry(ops());
  return entry;
}

}  // namespace gradref::catalog
