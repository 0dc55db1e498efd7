#pragma once
// The catalog entry of an update rule, written once: every rule has the same
// uniform form (param, grad [steps, *param], its state slots, step in; param, slots,
// step out), so running the reference, the error model and the fast kernel, the
// generator skeleton, the shape and counter checks and the convention-flip wrong
// variants are generic. A rule's catalog file supplies only what is its own:
// how to vary its hyperparameters, how to draw reachable state, its bad field
// values and the convention fields whose neighbour must be rejected.
//
// Requirements on Spec: spec::slots(const Spec&), spec::validate, presets_of, and
// the overloads reference::step(const Spec&, RuleState<T>&, const Array<T>&) for
// Real and Tracked and fast::step(const Spec&, RuleBuffers<T>&) for float and double.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/reference/rules/rule_state.hpp"

namespace gradref::catalog::rules {

/// The case's step counter (a scalar integer input).
std::int64_t step_of(const Case& c, const char* op);

/// A spec field set to a value the rule must refuse.
struct BadField {
  std::string description;
  std::string field;
  Json value;
  Json with = Json::object();  ///< other fields set first (a combination that is invalid)
};

/// A convention field changed to its neighbouring convention: a known-wrong variant.
struct Flip {
  std::string name;
  std::string description;
  std::function<void(Json& spec)> alter;
};

/// Gives `c` the state inputs a flipped spec uses: with as many slots as before,
/// the same arrays under the new names (a form read as the other); otherwise
/// unused slots are dropped and new ones start at zero (a kernel without the feature).
void map_slots(Case& c, const std::vector<const char*>& before, const std::vector<const char*>& after);

template <class Spec>
struct RuleOps {
  std::string summary;
  std::string doc;
  std::vector<Port> slot_ports;  ///< every slot any spec uses, with its meaning
  /// Randomizes a spec a preset has set (inside rc::gen::exec): hyperparameters,
  /// and conventions too, so that non-preset combinations are drawn as well.
  std::function<void(Spec&, Dtype)> vary_spec;
  /// Adds each slot of slots(s) to `inputs` with n reachable values (inside rc::gen::exec).
  std::function<void(const Spec&, Dtype, std::int64_t n, NamedArrays<Real>& inputs)> draw_slots;
  /// Largest |param| and |grad| the kernels take without overflow, per dtype.
  double huge_float = 1e18;
  double huge_double = 1e150;
  Json base_spec = Json::object();  ///< overrides of the default preset for the invalid-input base case
  std::vector<BadField> bad_fields;
  std::vector<Flip> flips;
  bool step_dependent = true;  ///< the update depends on the step counter (a step_off_by_one variant)
  /// Further variants; receives the entry's generator and fast runner.
  std::function<std::vector<WrongVariant>(std::function<rc::Gen<Case>(Dtype)>,
                                          std::function<NamedArrays<double>(const Case&, Dtype)>)>
      extra_variants;
  std::vector<Deviation> deviations;
  /// The value a framework initializes each state slot (and scalar slot) to; 0 by default.
  std::function<double(const Spec&, const std::string& slot)> initial_value = {};
  /// Whether lr = 0 leaves param unchanged under the spec; true by default.
  std::function<bool(const Spec&)> frozen_at_zero_lr = {};
};

template <class Spec>
Spec spec_of(const Case& c) {
  return spec_from_json<Spec>(c.spec, "");
}

/// The case's scalar state input `name` (shape []).
const Array<Real>& scalar_input(const Case& c, const char* op, const char* name);

template <class T, class Spec, class Convert>
reference::RuleState<T> state_of(const Case& c, const Spec& s, Convert convert) {
  reference::RuleState<T> st{convert(input(c, "param")), {}, {}, step_of(c, Spec::op)};
  for (const char* name : slots(s)) st.slots.push_back(convert(input(c, name)));
  for (const char* name : scalar_slots(s)) st.scalars.push_back(convert(scalar_input(c, Spec::op, name))[0]);
  return st;
}

template <class Spec, class T, class Out, class Convert>
NamedArrays<Out> outputs_of(const Spec& s, const reference::RuleState<T>& st, Convert convert) {
  NamedArrays<Out> out;
  out.emplace("param", convert(st.param));
  const std::vector<const char*> names = slots(s);
  for (std::size_t i = 0; i < names.size(); ++i) out.emplace(names[i], convert(st.slots[i]));
  const std::vector<const char*> scalar_names = scalar_slots(s);
  for (std::size_t i = 0; i < scalar_names.size(); ++i)
    out.emplace(scalar_names[i], convert(Array<T>(Shape{}, std::vector<T>{st.scalars[i]})));
  return out;
}

template <class Spec>
NamedArrays<Real> run_reference(const Case& c) {
  const Spec s = spec_of<Spec>(c);
  auto st = state_of<Real>(c, s, [](const Array<Real>& a) { return a; });
  step(s, st, input(c, "grad"));
  auto out = outputs_of<Spec, Real, Real>(s, st, [](const Array<Real>& a) { return a; });
  out.emplace("step", Array<Real>(Shape{}, std::vector<Real>{Real(st.step)}));
  return out;
}

template <class Spec>
NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const Spec s = spec_of<Spec>(c);
  auto st = state_of<Tracked>(c, s, [dtype](const Array<Real>& a) { return tracked(a, dtype); });
  step(s, st, tracked(input(c, "grad"), dtype));
  auto out = outputs_of<Spec, Tracked, Real>(s, st, errors_of);
  out.emplace("step", Array<Real>(Shape{}, std::vector<Real>{Real(0)}));
  return out;
}

template <class Spec>
NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    const Spec s = spec_of<Spec>(c);
    const std::vector<const char*> names = slots(s);
    const Array<Real>& param_in = input(c, "param");
    const Array<Real>& grad_in = input(c, "grad");
    // Shapes are checked here (the kernel sees flat buffers) with the reference's messages.
    std::vector<spec::SlotShape> shapes;
    for (const char* name : names) shapes.push_back({name, &input(c, name).shape()});
    const std::int64_t step0 = step_of(c, Spec::op);
    spec::rule_steps(Spec::op, param_in.shape(), grad_in.shape(), shapes, step0);

    std::vector<T> param = exact_values<T>(param_in, Spec::op, "param");
    const std::vector<T> grad = exact_values<T>(grad_in, Spec::op, "grad");
    std::vector<std::vector<T>> state;
    for (const char* name : names) state.push_back(exact_values<T>(input(c, name), Spec::op, name));
    const std::vector<const char*> scalar_names = scalar_slots(s);
    std::vector<T> scalars;
    for (const char* name : scalar_names)
      scalars.push_back(exact_values<T>(scalar_input(c, Spec::op, name), Spec::op, name)[0]);
    fast::RuleBuffers<T> b{param, grad, {}, scalars, step0};
    for (auto& slot : state) b.slots.push_back(slot);
    step(s, b);

    const Shape& shape = param_in.shape();
    NamedArrays<double> out;
    out.emplace("param", widened<T>(shape, param));
    for (std::size_t i = 0; i < names.size(); ++i) out.emplace(names[i], widened<T>(shape, state[i]));
    for (std::size_t i = 0; i < scalar_names.size(); ++i)
      out.emplace(scalar_names[i], Array<double>(Shape{}, std::vector<double>{static_cast<double>(scalars[i])}));
    out.emplace("step", Array<double>(Shape{}, std::vector<double>{static_cast<double>(b.step)}));
    return out;
  });
}

/// Cases from a random preset with varied hyperparameters, 1 to 33 elements, 1 to 3
/// gradients, step counters from 0 to where beta^t underflows.
template <class Spec>
rc::Gen<Case> generate(const RuleOps<Spec>& ops, Dtype dtype) {
  return rc::gen::exec([ops, dtype] {
    const auto& presets = presets_of(static_cast<const Spec*>(nullptr));
    Spec s{};
    presets[*rc::gen::inRange<std::size_t>(0, presets.size())].apply(s);
    ops.vary_spec(s, dtype);
    validate(s);  // a generator that draws an invalid spec is a bug: fail loudly
    const std::int64_t n = *rc::gen::inRange(1, 33);
    const std::int64_t steps = *rc::gen::inRange(1, 4);
    const bool stacked = steps > 1 || *rc::gen::arbitrary<bool>();
    const std::int64_t step0 = *rc::gen::weightedOneOf<std::int64_t>(
        {{6, rc::gen::inRange<std::int64_t>(0, 10)}, {1, rc::gen::inRange<std::int64_t>(1000, 1000001)}});
    const double huge = dtype == Dtype::float32 ? ops.huge_float : ops.huge_double;
    Case c{Spec::op, spec_to_json(s), {}};
    c.inputs.emplace("param", gen::real_array({n}, *gen::values(n, gen::hard(dtype, huge))));
    c.inputs.emplace("grad", gen::real_array(stacked ? Shape{steps, n} : Shape{n},
                                             *gen::values(steps * n, gen::hard(dtype, huge))));
    ops.draw_slots(s, dtype, n, c.inputs);
    c.inputs.emplace("step", gen::real_array(Shape{}, {static_cast<double>(step0)}));
    return c;
  });
}

/// The shape, counter and field checks every rule makes, on a small valid case.
template <class Spec>
std::vector<InvalidCase> invalid_cases(const RuleOps<Spec>& ops) {
  const Spec base = spec_from_json<Spec>(ops.base_spec, "");
  Case valid{Spec::op, spec_to_json(base), {}};
  valid.inputs.emplace("param", gen::real_array({2}, {1.0, -2.0}));
  valid.inputs.emplace("grad", gen::real_array({2}, {0.5, 0.25}));
  for (const char* name : slots(base)) valid.inputs.emplace(name, gen::real_array({2}, {0.0, 0.0}));
  for (const char* name : scalar_slots(base)) valid.inputs.emplace(name, gen::real_array({}, {1.0}));
  valid.inputs.emplace("step", gen::real_array({}, {0.0}));

  std::vector<InvalidCase> out;
  for (const BadField& bad : ops.bad_fields) {
    Case c = valid;
    for (const auto& item : bad.with.items()) c.spec[item.key()] = item.value();
    c.spec[bad.field] = bad.value;
    out.push_back({bad.description, c, bad.field});
  }
  Case unknown = valid;
  unknown.spec["no_such_field"] = 1.0;
  out.push_back({"unknown spec field", unknown, "no_such_field"});
  const auto with_input = [&](const char* what, const std::string& field, const std::string& name, Array<Real> value) {
    Case c = valid;
    c.inputs.insert_or_assign(name, std::move(value));
    out.push_back({what, c, field});
  };
  with_input("grad shaped unlike param", "grad.shape", "grad", gen::real_array({3}, {1, 2, 3}));
  with_input("no gradient steps", "grad.shape", "grad", gen::real_array({0, 2}, {}));
  with_input("negative step counter", "step", "step", gen::real_array({}, {-1}));
  with_input("fractional step counter", "step", "step", gen::real_array({}, {1.5}));
  with_input("step given as a vector", "step.shape", "step", gen::real_array({2}, {1, 2}));
  with_input("step counter beyond 2^53", "step", "step", gen::real_array({}, {9007199254740994.0}));
  for (const char* name : slots(base)) {
    const std::string slot(name);
    with_input("state slot shaped unlike param", slot + ".shape", slot, gen::real_array({1}, {0}));
    Case missing = valid;
    missing.inputs.erase(slot);
    out.push_back({"state slot missing", missing, "inputs." + slot});
  }
  for (const char* name : scalar_slots(base)) {
    const std::string slot(name);
    with_input("scalar state given as a vector", slot + ".shape", slot, gen::real_array({2}, {1, 1}));
  }
  return out;
}

template <class Spec>
std::vector<WrongVariant> wrong_variants(const RuleOps<Spec>& ops) {
  const std::function<rc::Gen<Case>(Dtype)> generator = [ops](Dtype d) { return generate(ops, d); };
  const std::function<NamedArrays<double>(const Case&, Dtype)> fast = run_fast<Spec>;
  std::vector<WrongVariant> out;
  for (const Flip& flip : ops.flips) {
    // The flipped case, when the flipped spec is valid and uses the same number of slots.
    const auto flipped = [flip](const Case& c) -> std::optional<Case> {
      Case wrong = c;
      flip.alter(wrong.spec);
      try {
        const Spec s = spec_from_json<Spec>(wrong.spec, "");
        map_slots(wrong, slots(spec_of<Spec>(c)), slots(s));
        // Scalar state is not renamed: a flip that needs other scalars has no case.
        const auto names = [](const std::vector<const char*>& v) { return std::vector<std::string>(v.begin(), v.end()); };
        if (names(scalar_slots(spec_of<Spec>(c))) != names(scalar_slots(s))) return std::nullopt;
      } catch (const InvalidInput&) {
        return std::nullopt;
      }
      return wrong;
    };
    out.push_back({flip.name, flip.description,
                   [generator, flipped](Dtype d) {
                     return rc::gen::suchThat(generator(d), [flipped](const Case& c) { return flipped(c).has_value(); });
                   },
                   [fast, flipped](const Case& c, Dtype d) {
                     NamedArrays<double> result = fast(*flipped(c), d);
                     // Report under the original slot names, as the kernel under test would.
                     const std::vector<const char*> before = slots(spec_of<Spec>(c));
                     const std::vector<const char*> after = slots(spec_of<Spec>(*flipped(c)));
                     if (before.size() == after.size()) {
                       for (std::size_t i = 0; i < before.size(); ++i) {
                         if (std::string(before[i]) == after[i]) continue;
                         result.emplace(before[i], std::move(result.at(after[i])));
                         result.erase(after[i]);
                       }
                       return result;
                     }
                     NamedArrays<double> out{{"param", result.at("param")}, {"step", result.at("step")}};
                     for (const char* name : before) {
                       const auto it = result.find(name);
                       out.emplace(name, it != result.end() ? it->second
                                                            : c.inputs.at(name).template map<double>([](const Real& x) {
                                                                return round_to_double(x);
                                                              }));
                     }
                     for (const char* name : scalar_slots(spec_of<Spec>(c))) out.emplace(name, result.at(name));
                     return out;
                   }});
  }
  if (ops.step_dependent)
    out.push_back({"step_off_by_one", "the per-step scalars use t + 1 (the counter incremented twice)", generator,
                   [fast](const Case& c, Dtype dtype) {
                     Case wrong = c;
                     const Real step = c.inputs.at("step")[0];
                     wrong.inputs.insert_or_assign("step", Array<Real>(Shape{}, std::vector<Real>{step + 1}));
                     NamedArrays<double> result = fast(wrong, dtype);
                     result.at("step")[0] -= 1;  // the counter it reports is right; only the scalars are off
                     return result;
                   }});
  out.push_back({"float32_arithmetic", "a float64 kernel that computes in float32", generator,
                 [fast](const Case& c, Dtype) {
                   Case narrowed = c;
                   for (auto& [name, a] : narrowed.inputs)
                     a = a.template map<Real>([](const Real& x) { return exact(static_cast<double>(round_to_float(x))); });
                   return fast(narrowed, Dtype::float32);
                 },
                 {Dtype::float64}});
  if (ops.extra_variants)
    for (WrongVariant& v : ops.extra_variants(generator, fast)) out.push_back(std::move(v));
  return out;
}

/// The whole entry.
template <class Spec>
Entry make_entry(const RuleOps<Spec>& ops) {
  std::vector<Port> inputs{{"param", "[*]", "parameters theta"},
                           {"grad", "[steps, *param] or [*param]", "one gradient per step"}};
  std::vector<Port> outputs{{"param", "[*param]", "updated parameters"}};
  for (const Port& p : ops.slot_ports) {
    inputs.push_back(p);
    outputs.push_back({p.name, p.shape, "updated " + p.doc, p.integer, p.optional});
  }
  inputs.push_back({"step", "[]", "steps already taken", true});
  outputs.push_back({"step", "[]", "step + steps", true});
  return Entry{
      .name = Spec::op,
      .kind = "rule",
      .summary = ops.summary,
      .doc = ops.doc,
      .fields = fields_of<Spec>(),
      .presets = presets_of_spec<Spec>(),
      .inputs = std::move(inputs),
      .outputs = std::move(outputs),
      .make_spec = make_spec_json<Spec>,
      .reference = run_reference<Spec>,
      .fast = run_fast<Spec>,
      .error_bound = run_error_model<Spec>,
      .generator = [ops](Dtype d) { return generate(ops, d); },
      .derivative_generator = {},
      .invalid_cases = [ops] { return invalid_cases(ops); },
      .wrong_variants = wrong_variants(ops),
      .gradients = {},
      .deviations = ops.deviations,
      .initial_state =
          [ops](const Json& spec_json, const Shape& param) {
            const Spec s = spec_from_json<Spec>(spec_json, "");
            const auto value = [&](const char* slot) { return ops.initial_value ? ops.initial_value(s, slot) : 0.0; };
            NamedArrays<Real> out;
            for (const char* name : slots(s)) out.emplace(name, Array<Real>(param, exact(value(name))));
            for (const char* name : scalar_slots(s)) out.emplace(name, Array<Real>(Shape{}, exact(value(name))));
            return out;
          },
      .frozen_at_zero_lr =
          [ops](const Json& spec_json) {
            return !ops.frozen_at_zero_lr || ops.frozen_at_zero_lr(spec_from_json<Spec>(spec_json, ""));
          },
  };
}

}  // namespace gradref::catalog::rules
