// Catalog entry for SGD with momentum (spec/sgd.hpp): what is SGD's own; the rest
// is the generic rule entry (rule_entry.hpp).
#include "gradref/fast/rules/sgd.hpp"
#include "gradref/reference/rules/sgd.hpp"
#include "rule_entry.hpp"

namespace gradref::catalog {
namespace {

using spec::Sgd;

void vary(Sgd& s, Dtype) {
  s.lr = *rc::gen::element(1e-3, 1e-2, 0.1, 0.5, 0.0, s.lr);
  s.momentum = *rc::gen::element(0.0, 0.9, 0.5, 0.99, s.momentum, s.momentum);
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}}))
    s.momentum_form = s.momentum_form == spec::MomentumForm::heavy_ball ? spec::MomentumForm::velocity
                                                                         : spec::MomentumForm::heavy_ball;
  s.nesterov = s.momentum > 0 && *rc::gen::arbitrary<bool>();
  s.dampening = s.momentum_form == spec::MomentumForm::heavy_ball && !s.nesterov ? *rc::gen::element(0.0, 0.0, 0.1, 0.5)
                                                                                 : 0.0;
  s.weight_decay = *rc::gen::element(0.0, 0.0, 1e-2, 0.1);
  if (*rc::gen::arbitrary<bool>())
    s.decay_style = *rc::gen::element(spec::DecayStyle::coupled, spec::DecayStyle::decoupled);
  s.maximize = *rc::gen::arbitrary<bool>();
}

void draw_slots(const Sgd& s, Dtype dtype, std::int64_t n, NamedArrays<Real>& inputs) {
  const double huge = dtype == Dtype::float32 ? 1e18 : 1e150;
  for (const char* name : spec::slots(s)) inputs.emplace(name, gen::real_array({n}, *gen::values(n, gen::hard(dtype, huge))));
}

/// PyTorch's first step copies the gradient into the buffer; a kernel that dampens
/// it (b = (1 - dampening) g from a zero buffer) is wrong from the first step on.
std::vector<WrongVariant> first_step_variant(std::function<rc::Gen<Case>(Dtype)> generator,
                                             std::function<NamedArrays<double>(const Case&, Dtype)> fast) {
  const auto first_step_cases = [generator](Dtype d) {
    return rc::gen::map(generator(d), [](Case c) {
      Case out = c;
      out.spec["momentum"] = 0.9;
      out.spec["dampening"] = 0.5;
      out.spec["nesterov"] = false;
      const bool velocity = out.spec["momentum_form"] == "velocity";
      out.spec["momentum_form"] = "heavy_ball";
      const Array<Real> param = out.inputs.at("param");
      if (velocity) out.inputs.erase("velocity");
      out.inputs.insert_or_assign("momentum_buffer", param.map<Real>([](const Real&) { return Real(0); }));
      out.inputs.insert_or_assign("step", gen::real_array({}, {0.0}));
      return out;
    });
  };
  return {{"first_step_dampened", "the first step dampens the gradient (b = (1 - dampening) g) instead of copying it",
           first_step_cases, [fast](const Case& c, Dtype dtype) {
             Case wrong = c;
             wrong.inputs.insert_or_assign("step", gen::real_array({}, {1.0}));
             NamedArrays<double> result = fast(wrong, dtype);
             result.at("step")[0] -= 1;
             return result;
           }}};
}

rules::RuleOps<Sgd> ops() {
  rules::RuleOps<Sgd> o;
  o.summary = "gradient descent / SGD with L2 or decoupled decay, heavy-ball or velocity momentum, dampening and "
              "Nesterov (reformulated)";
  o.doc = "rules/sgd.md";
  o.slot_ports = {{"momentum_buffer", "[*param]", "heavy_ball momentum buffer b (momentum > 0)", false, true},
                  {"velocity", "[*param]", "velocity v = mu v - lr g (momentum_form velocity)", false, true}};
  o.vary_spec = vary;
  o.draw_slots = draw_slots;
  o.base_spec = {{"momentum", 0.9}};
  o.bad_fields = {{"negative learning rate", "lr", -1e-3},
                  {"momentum = 1", "momentum", 1.0},
                  {"negative momentum", "momentum", -0.5},
                  {"dampening above 1", "dampening", 1.5},
                  {"negative weight decay", "weight_decay", -0.1},
                  {"unknown momentum form", "momentum_form", "both"},
                  {"unknown decay style", "decay_style", "l1"},
                  {"nesterov without momentum", "momentum", 0.0, {{"nesterov", true}}},
                  {"nesterov with dampening", "dampening", 0.5, {{"nesterov", true}}},
                  {"dampening with the velocity form", "dampening", 0.5, {{"momentum_form", "velocity"}}}};
  o.flips = {{"momentum_form_other", "heavy-ball buffer read as a velocity (lr inside the buffer), and vice versa",
              [](Json& s) { s["momentum_form"] = s["momentum_form"] == "heavy_ball" ? "velocity" : "heavy_ball"; }},
             {"nesterov_flipped", "Nesterov momentum where the spec has plain momentum, and vice versa",
              [](Json& s) { s["nesterov"] = !s["nesterov"].get<bool>(); }},
             {"decay_style_other", "L2 decay where the spec decouples it, and vice versa",
              [](Json& s) { s["decay_style"] = s["decay_style"] == "coupled" ? "decoupled" : "coupled"; }},
             {"dampening_ignored", "dampening left out", [](Json& s) { s["dampening"] = 0.0; }},
             {"weight_decay_ignored", "weight decay left out", [](Json& s) { s["weight_decay"] = 0.0; }},
             {"maximize_ignored", "descent where the spec asks for ascent, and vice versa",
              [](Json& s) { s["maximize"] = !s["maximize"].get<bool>(); }}};
  o.step_dependent = true;  // the first-step rule
  o.extra_variants = first_step_variant;
  return o;
}

}  // namespace

const Entry& sgd_entry() {
  static const Entry entry = rules::make_entry(ops());
  return entry;
}

}  // namespace gradref::catalog
