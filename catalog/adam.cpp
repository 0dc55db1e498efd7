// Catalog entry for Adam / AMSGrad (spec/adam.hpp): what is Adam's own; the fields
// it shares with AdamW are in adam_family.cpp, the rest is the generic rule entry.
#include "adam_family.hpp"
#include "gradref/fast/rules/adam.hpp"
#include "gradref/reference/rules/adam.hpp"

namespace gradref::catalog {
namespace {

using spec::Adam;

void vary(Adam& s, Dtype dtype) {
  adam_family::vary_core(s, dtype);
  s.weight_decay = *rc::gen::element(0.0, 0.0, 1e-2, 0.1);
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}})) s.decoupled_weight_decay = !s.decoupled_weight_decay;
}

rules::RuleOps<Adam> ops() {
  rules::RuleOps<Adam> o;
  o.summary = "Adam (Kingma & Ba 2015) and AMSGrad with eps outside, inside or eps_hat, optax's eps_root, ONNX's "
              "step origin, coupled L2 or PyTorch's decoupled decay";
  o.doc = "rules/adam.md";
  o.slot_ports = adam_family::slot_ports();
  o.vary_spec = vary;
  o.draw_slots = adam_family::draw_slots;
  o.bad_fields = adam_family::bad_fields();
  o.bad_fields.push_back({"negative weight decay", "weight_decay", -0.1});
  o.flips = adam_family::flips();
  o.flips.push_back({"weight_decay_ignored", "weight decay left out", [](Json& s) { s["weight_decay"] = 0.0; }});
  o.flips.push_back({"decoupled_flipped", "decoupled decay where the spec has L2, and vice versa",
                     [](Json& s) { s["decoupled_weight_decay"] = !s["decoupled_weight_decay"].get<bool>(); }});
  o.extra_variants = adam_family::extra_variants;
  o.deviations = adam_family::deviations();
  return o;
}

}  // namespace

const Entry& adam_entry() {
  static const Entry entry = rules::make_entry(ops());
  return entry;
}

}  // namespace gradref::catalog
