// Catalog entry for AdamW (spec/adamw.hpp): what is AdamW's own (its decay); the
// fields it shares with Adam are in adam_family.cpp, the rest is the generic rule entry.
#include "adam_family.hpp"
#include "gradref/fast/rules/adamw.hpp"
#include "gradref/reference/rules/adamw.hpp"

namespace gradref::catalog {
namespace {

using spec::AdamW;
using spec::DecoupledDecay;

void vary(AdamW& s, Dtype dtype) {
  adam_family::vary_core(s, dtype);
  s.weight_decay = *rc::gen::element(0.0, 1e-2, 0.1, 0.5, s.weight_decay);
  if (*rc::gen::weightedElement<bool>({{1, true}, {2, false}}))
    s.decay_style = *rc::gen::element(DecoupledDecay::lr_scaled, DecoupledDecay::schedule_scaled,
                                      DecoupledDecay::post_step);
  s.schedule_multiplier = *rc::gen::element(1.0, 1.0, 0.5, 0.1);
  s.coupled_weight_decay = *rc::gen::element(0.0, 0.0, 0.0, 1e-2, 0.1);
}

rules::RuleOps<AdamW> ops() {
  rules::RuleOps<AdamW> o;
  o.summary = "AdamW: Adam with decoupled weight decay scaled by lr (PyTorch, Keras, optax), by the schedule "
              "multiplier only (Loshchilov & Hutter) or applied after the step (ONNX)";
  o.doc = "rules/adamw.md";
  o.slot_ports = adam_family::slot_ports();
  o.vary_spec = vary;
  o.draw_slots = adam_family::draw_slots;
  o.bad_fields = adam_family::bad_fields();
  o.bad_fields.push_back({"negative weight decay", "weight_decay", -0.1});
  o.bad_fields.push_back({"unknown decay style", "decay_style", "coupled"});
  o.bad_fields.push_back({"negative schedule multiplier", "schedule_multiplier", -1.0});
  o.bad_fields.push_back({"negative coupled weight decay", "coupled_weight_decay", -0.1});
  o.flips = adam_family::flips();
  o.flips.push_back({"weight_decay_ignored", "decoupled decay left out", [](Json& s) { s["weight_decay"] = 0.0; }});
  o.flips.push_back({"decay_lr_scaling_other", "decay multiplied by lr where the spec has only the schedule "
                                               "multiplier, and vice versa (post_step unchanged)",
                     [](Json& s) {
                       if (s["decay_style"] == "lr_scaled") s["decay_style"] = "schedule_scaled";
                       else if (s["decay_style"] == "schedule_scaled") s["decay_style"] = "lr_scaled";
                     }});
  o.flips.push_back({"decay_timing_other", "decay after the step, unscaled, where the spec decays before it, and "
                                           "vice versa (post_step -> lr_scaled)",
                     [](Json& s) { s["decay_style"] = s["decay_style"] == "post_step" ? "lr_scaled" : "post_step"; }});
  o.flips.push_back({"schedule_multiplier_ignored", "the schedule multiplier eta left out",
                     [](Json& s) { s["schedule_multiplier"] = 1.0; }});
  o.flips.push_back({"coupled_weight_decay_ignored", "the coupled L2 term left out",
                     [](Json& s) { s["coupled_weight_decay"] = 0.0; }});
  // Loshchilov & Hutter's and ONNX's decay do not scale with lr: lr = 0 still decays.
  o.frozen_at_zero_lr = [](const AdamW& s) {
    return s.weight_decay == 0.0 || s.decay_style == DecoupledDecay::lr_scaled;
  };
  o.extra_variants = adam_family::extra_variants;
  o.deviations = adam_family::deviations();
  o.deviations.push_back(
      {"decoupled decay is theta * (1 - eta lr lambda), one multiply",
       "PyTorch's param.mul_(1 - lr wd) exactly; Keras computes var - (var wd) lr and optax -lr (u + wd theta): "
       "the same real number as PyTorch's (so one convention, lr_scaled), rounded differently"});
  return o;
}

}  // namespace

const Entry& adamw_entry() {
  static const Entry entry = rules::make_entry(ops());
  return entry;
}

}  // namespace gradref::catalog
