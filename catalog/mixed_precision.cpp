// The mixed-precision layer over the rule entries: the fast kernel on a case, and
// the error model (rule_entry.hpp's run_error_model, stepped one gradient at a time
// so param can be rounded to bfloat16 between steps as the kernel rounds it).
#include "gradref/catalog/mixed_precision.hpp"

#include <algorithm>
#include <limits>

#include "gradref/catalog/evaluate.hpp"
#include "gradref/fast/rules/mixed_precision.hpp"
#include "gradref/reference/rules/adadelta.hpp"
#include "gradref/reference/rules/adagrad.hpp"
#include "gradref/reference/rules/adam.hpp"
#include "gradref/reference/rules/adamax.hpp"
#include "gradref/reference/rules/adamw.hpp"
#include "gradref/reference/rules/lion.hpp"
#include "gradref/reference/rules/nadam.hpp"
#include "gradref/reference/rules/radam.hpp"
#include "gradref/reference/rules/rmsprop.hpp"
#include "gradref/reference/rules/sgd.hpp"
#include "rule_entry.hpp"

namespace gradref::catalog {
namespace {

Real bfloat16_value(const Real& x) { return exact(static_cast<double>(round_to_bfloat16(x))); }

/// The kernel's float32 value y (|y - exact| <= error) stored as bfloat16:
/// |bf16(y) - y| <= 2^-8 |y| + 2^-134 (round to nearest, bfloat16's subnormals),
/// exactly |bf16(x) - x| when y is exact, infinite where y may round to infinity.
Tracked stored_as_bfloat16(const Tracked& x) {
  const Format bf = Format::bfloat16;
  if (x.error() == 0) return Tracked(x.value(), abs(bfloat16_value(x.value()) - x.value()), x.format());
  Real err = x.error() + unit_roundoff(bf) * (abs(x.value()) + x.error()) + underflow_unit(bf);
  if (abs(x.value()) + err > largest_finite(bf)) err = Real(std::numeric_limits<double>::infinity());
  return Tracked(x.value(), err, x.format());
}

Array<Tracked> stored_as_bfloat16(const Array<Tracked>& a) { return a.map<Tracked>([](const Tracked& x) { return stored_as_bfloat16(x); }); }

template <class Spec>
NamedArrays<Real> mixed_error_model(const Case& c) {
  const bool master = c.inputs.contains("master");
  const Case x = exact_case(c);
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const Spec s = rules::spec_of<Spec>(x);
  auto st = rules::state_of<Tracked>(x, s, [](const Array<Real>& a) { return tracked(a, Dtype::float32); });
  const Array<Tracked> grads = tracked(input(x, "grad"), Dtype::float32);
  const std::int64_t n = st.param.size();
  for (std::int64_t k = 0; n > 0 && k < grads.size() / n; ++k) {
    const auto row = grads.slice(k * n, n);
    step(s, st, Array<Tracked>(st.param.shape(), std::vector<Tracked>(row.begin(), row.end())));
    if (!master) st.param = stored_as_bfloat16(st.param);  // every step, into param
  }
  NamedArrays<Real> out = rules::outputs_of<Spec, Tracked, Real>(s, st, errors_of);
  out.emplace("step", Array<Real>(Shape{}, std::vector<Real>{Real(0)}));
  if (master) {
    out.emplace("master", out.at("param"));
    out.insert_or_assign("param", errors_of(stored_as_bfloat16(st.param)));  // once, from the master
  }
  return out;
}

template <class Spec>
NamedArrays<double> mixed_fast(const Case& c) {
  const Spec s = rules::spec_of<Spec>(c);
  const auto floats = [&c](const char* name) { return exact_values<float>(input(c, name), Spec::op, name); };
  const auto bfloat16s = [&floats](const char* name) {
    std::vector<fast::bfloat16> out;
    for (float v : floats(name)) {
      out.push_back(fast::to_bfloat16(v));
      if (fast::to_float(out.back()) != v) throw InvalidInput(Spec::op, name, std::to_string(v), "bfloat16 values");
    }
    return out;
  };
  std::vector<fast::bfloat16> param = bfloat16s("param");
  const std::vector<fast::bfloat16> grad = bfloat16s("grad");
  std::vector<float> master = c.inputs.contains("master") ? floats("master") : std::vector<float>{};
  const std::vector<const char*> names = slots(s), scalar_names = scalar_slots(s);
  std::vector<std::vector<float>> state;
  for (const char* name : names) state.push_back(floats(name));
  std::vector<float> scalars;
  for (const char* name : scalar_names)
    scalars.push_back(exact_values<float>(rules::scalar_input(c, Spec::op, name), Spec::op, name)[0]);
  fast::MixedRuleBuffers b{param, grad, {}, scalars, master, rules::step_of(c, Spec::op)};
  for (auto& slot : state) b.slots.push_back(slot);
  fast::step(s, b);

  const Shape& shape = input(c, "param").shape();
  NamedArrays<double> out;
  std::vector<double> widened_param;
  for (fast::bfloat16 v : param) widened_param.push_back(fast::to_float(v));
  out.emplace("param", Array<double>(shape, widened_param));
  if (!master.empty()) out.emplace("master", widened<float>(shape, master));
  for (std::size_t i = 0; i < names.size(); ++i) out.emplace(names[i], widened<float>(shape, state[i]));
  for (std::size_t i = 0; i < scalar_names.size(); ++i)
    out.emplace(scalar_names[i], Array<double>(Shape{}, std::vector<double>{static_cast<double>(scalars[i])}));
  out.emplace("step", Array<double>(Shape{}, std::vector<double>{static_cast<double>(b.step)}));
  return out;
}

template <class Spec>
MixedRule mixed_rule() {
  return {&find(Spec::op), mixed_fast<Spec>, mixed_error_model<Spec>};
}

}  // namespace

const std::vector<MixedRule>& mixed_rules() {
  static const std::vector<MixedRule> rules = [] {
    std::vector<MixedRule> out{mixed_rule<spec::Adam>(),    mixed_rule<spec::AdamW>(),  mixed_rule<spec::Sgd>(),
                               mixed_rule<spec::Nadam>(),   mixed_rule<spec::Radam>(),  mixed_rule<spec::Adamax>(),
                               mixed_rule<spec::Lion>(),    mixed_rule<spec::Adagrad>(), mixed_rule<spec::Rmsprop>(),
                               mixed_rule<spec::Adadelta>()};
    const auto position = [](const MixedRule& r) { return std::find(all().begin(), all().end(), r.entry) - all().begin(); };
    std::sort(out.begin(), out.end(), [&](const MixedRule& a, const MixedRule& b) { return position(a) < position(b); });
    return out;
  }();
  return rules;
}

Case exact_case(const Case& c) {
  Case x = c;
  if (const auto it = x.inputs.find("master"); it != x.inputs.end()) {
    x.inputs.insert_or_assign("param", it->second);
    x.inputs.erase("master");
  }
  return x;
}

rc::Gen<Case> mixed_cases(const MixedRule& rule, bool master) {
  return rc::gen::map(rule.entry->generator(Dtype::float32), [master](Case c) {
    Array<Real>& param = c.inputs.at("param");
    if (master) c.inputs.emplace("master", param);
    param = param.map<Real>(bfloat16_value);
    Array<Real>& grad = c.inputs.at("grad");
    grad = grad.map<Real>(bfloat16_value);
    return c;
  });
}

Comparison compare_mixed(const MixedRule& rule, const Case& c, const NamedArrays<double>& candidate) {
  const NamedArrays<Real> bounds = rule.error_bound(c);
  const Case x = exact_case(c);
  // compare() with `output` in param's place and its bound as the error model's.
  const auto against = [&](const std::string& output) {
    Entry e = *rule.entry;
    NamedArrays<Real> b = bounds;
    b.insert_or_assign("param", bounds.at(output));
    e.error_bound = [b](const Case&, Dtype) { return b; };
    NamedArrays<double> got = candidate;
    const auto it = candidate.find(output);
    if (it == candidate.end()) got.erase("param");
    else got.insert_or_assign("param", it->second);
    Comparison r = compare(e, x, Dtype::float32, got);
    if (r.failure && r.failure->output == "param") r.failure->output = output;
    return r;
  };
  Comparison r = against("param");
  if (!r.passed || !c.inputs.contains("master")) return r;
  Comparison m = against("master");
  m.worst_ratio = std::max(m.worst_ratio, r.worst_ratio);
  m.bound_finite = m.bound_finite && r.bound_finite;
  return m;
}

}  // namespace gradref::catalog
