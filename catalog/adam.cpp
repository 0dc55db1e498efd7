// Catalog entry for Adam: binds spec, reference, fast kernel, error model,
// generators, invalid inputs and known-wrong variants.
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/rules/adam.hpp"
#include "gradref/reference/rules/adam.hpp"

namespace gradref::catalog {
namespace {

using spec::Adam;

Adam spec_of(const Case& c) { return spec_from_json<Adam>(c.spec, ""); }

std::int64_t step_of(const Case& c) {
  const Array<Real>& step = input(c, "step");
  if (step.size() != 1) throw InvalidInput(Adam::op, "step.shape", shape_text(step.shape()), "[] (a scalar)");
  return integer_value(step[0], Adam::op, "step");
}

/// The reference state from the case's inputs, each converted by `convert`.
template <class T, class Convert>
reference::AdamState<T> state_of(const Case& c, const Adam& s, Convert convert) {
  reference::AdamState<T> st{convert(input(c, "param")), convert(input(c, "exp_avg")),
                             convert(input(c, "exp_avg_sq")), std::nullopt, step_of(c)};
  if (s.amsgrad) st.max_exp_avg_sq = convert(input(c, "max_exp_avg_sq"));
  return st;
}

template <class T, class Out, class Convert>
NamedArrays<Out> outputs_of(const reference::AdamState<T>& st, Convert convert) {
  NamedArrays<Out> out;
  out.emplace("param", convert(st.param));
  out.emplace("exp_avg", convert(st.exp_avg));
  out.emplace("exp_avg_sq", convert(st.exp_avg_sq));
  if (st.max_exp_avg_sq) out.emplace("max_exp_avg_sq", convert(*st.max_exp_avg_sq));
  return out;
}

NamedArrays<Real> run_reference(const Case& c) {
  const Adam s = spec_of(c);
  auto st = state_of<Real>(c, s, [](const Array<Real>& a) { return a; });
  reference::adam(s, st, input(c, "grad"));
  auto out = outputs_of<Real, Real>(st, [](const Array<Real>& a) { return a; });
  out.emplace("step", Array<Real>(Shape{}, std::vector<Real>{Real(st.step)}));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  const Adam s = spec_of(c);
  auto st = state_of<Tracked>(c, s, [dtype](const Array<Real>& a) { return tracked(a, dtype); });
  reference::adam(s, st, tracked(input(c, "grad"), dtype));
  auto out = outputs_of<Tracked, Real>(st, errors_of);
  out.emplace("step", Array<Real>(Shape{}, std::vector<Real>{Real(0)}));
  return out;
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    const Adam s = spec_of(c);
    const Array<Real>& param_in = input(c, "param");
    std::vector<T> param = exact_values<T>(param_in, Adam::op, "param");
    std::vector<T> grad = exact_values<T>(input(c, "grad"), Adam::op, "grad");
    std::vector<T> m = exact_values<T>(input(c, "exp_avg"), Adam::op, "exp_avg");
    std::vector<T> v = exact_values<T>(input(c, "exp_avg_sq"), Adam::op, "exp_avg_sq");
    std::vector<T> vmax;
    if (s.amsgrad) vmax = exact_values<T>(input(c, "max_exp_avg_sq"), Adam::op, "max_exp_avg_sq");
    // Shapes are checked here (the kernel sees flat buffers) with the reference's messages.
    const Shape* vmax_shape = s.amsgrad ? &input(c, "max_exp_avg_sq").shape() : nullptr;
    spec::adam_steps(s, param_in.shape(), input(c, "grad").shape(), input(c, "exp_avg").shape(),
                     input(c, "exp_avg_sq").shape(), vmax_shape, step_of(c));
    fast::AdamBuffers<T> b{param, grad, m, v, vmax, step_of(c)};
    fast::adam(s, b);
    const Shape& shape = param_in.shape();
    NamedArrays<double> out;
    out.emplace("param", widened<T>(shape, param));
    out.emplace("exp_avg", widened<T>(shape, m));
    out.emplace("exp_avg_sq", widened<T>(shape, v));
    if (s.amsgrad) out.emplace("max_exp_avg_sq", widened<T>(shape, vmax));
    out.emplace("step", Array<double>(Shape{}, std::vector<double>{static_cast<double>(b.step)}));
    return out;
  });
}

// Largest gradient magnitude the float kernels take without overflowing
// (1 - beta2) g^2 or the update: far beyond what training produces.
double huge_for(Dtype dtype) { return dtype == Dtype::float32 ? 1e18 : 1e150; }

rc::Gen<Case> generate(Dtype dtype) {
  return rc::gen::exec([dtype] {
    Adam s;
    s.lr = *rc::gen::element(1e-3, 1e-2, 0.1, 0.5, 0.0);
    s.beta1 = *rc::gen::element(0.9, 0.0, 0.5, 0.99);
    s.beta2 = *rc::gen::element(0.999, 0.99, 0.9, 0.5);
    s.eps = *rc::gen::element(1e-8, 1e-6, 1e-3, 1e-12);
    s.weight_decay = *rc::gen::element(0.0, 0.0, 1e-2, 0.1);
    s.amsgrad = *rc::gen::arbitrary<bool>();
    s.maximize = *rc::gen::arbitrary<bool>();
    s.eps_placement = *rc::gen::element(spec::EpsPlacement::outside, spec::EpsPlacement::inside);
    s.bias_correction = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
    const std::int64_t n = *rc::gen::inRange(1, 33);
    const std::int64_t steps = *rc::gen::inRange(1, 4);
    const bool stacked = steps > 1 || *rc::gen::arbitrary<bool>();
    // Step counters from the first step to where beta2^t underflows double.
    const std::int64_t step0 = *rc::gen::weightedOneOf<std::int64_t>(
        {{6, rc::gen::inRange<std::int64_t>(0, 10)}, {1, rc::gen::inRange<std::int64_t>(1000, 1000001)}});
    const double huge = huge_for(dtype);
    const auto nonnegative = rc::gen::map(gen::hard(dtype, huge * huge * 1e-3), [](double x) { return std::abs(x); });
    Case c{Adam::op, spec_to_json(s), {}};
    const Shape shape{n};
    c.inputs.emplace("param", gen::real_array(shape, *gen::values(n, gen::hard(dtype, huge))));
    c.inputs.emplace("grad", gen::real_array(stacked ? Shape{steps, n} : shape, *gen::values(steps * n, gen::hard(dtype, huge))));
    const std::vector<double> v = *gen::values(n, nonnegative);
    // A reachable state has |m| <= sqrt(v / (1 - beta2)) up to a modest factor (all
    // past gradients enter both); a huge m over a tiny v only measures float overflow.
    std::vector<double> m = *gen::values(n, gen::hard(dtype, huge));
    for (std::size_t i = 0; i < m.size(); ++i) {
      const double limit = 4 * std::sqrt(v[i] / (1 - s.beta2));
      if (std::abs(m[i]) > limit) m[i] = gen::in_dtype(std::copysign(limit, m[i]), dtype);
    }
    c.inputs.emplace("exp_avg", gen::real_array(shape, m));
    c.inputs.emplace("exp_avg_sq", gen::real_array(shape, v));
    if (s.amsgrad) {
      std::vector<double> vmax = *gen::values(n, nonnegative);
      for (std::size_t i = 0; i < vmax.size(); ++i) vmax[i] = *rc::gen::arbitrary<bool>() ? v[i] : std::max(v[i], vmax[i]);
      c.inputs.emplace("max_exp_avg_sq", gen::real_array(shape, vmax));
    }
    c.inputs.emplace("step", gen::real_array(Shape{}, {static_cast<double>(step0)}));
    return c;
  });
}

/// A small valid case that invalid_cases() breaks one field at a time.
Case base_case() {
  Case c{Adam::op, spec_to_json(Adam{}), {}};
  c.inputs.emplace("param", gen::real_array({2}, {1.0, -2.0}));
  c.inputs.emplace("grad", gen::real_array({2}, {0.5, 0.25}));
  c.inputs.emplace("exp_avg", gen::real_array({2}, {0.0, 0.0}));
  c.inputs.emplace("exp_avg_sq", gen::real_array({2}, {0.0, 0.0}));
  c.inputs.emplace("step", gen::real_array({}, {0.0}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  std::vector<InvalidCase> out;
  auto with_spec = [&out](const char* what, const char* field, const Json& value) {
    Case c = base_case();
    c.spec[field] = value;
    out.push_back({what, c, field});
  };
  with_spec("negative learning rate", "lr", -1e-3);
  with_spec("beta1 = 1 (no decay)", "beta1", 1.0);
  with_spec("negative beta2", "beta2", -0.5);
  with_spec("negative eps", "eps", -1e-8);
  with_spec("negative weight decay", "weight_decay", -0.1);
  with_spec("unknown eps placement", "eps_placement", "both");
  with_spec("unknown field", "momentum", 0.9);
  auto with_input = [&out](const char* what, const char* field, const char* name, Array<Real> value) {
    Case c = base_case();
    c.inputs.insert_or_assign(name, std::move(value));
    out.push_back({what, c, field});
  };
  with_input("grad shaped unlike param", "grad.shape", "grad", gen::real_array({3}, {1, 2, 3}));
  with_input("exp_avg shaped unlike param", "exp_avg.shape", "exp_avg", gen::real_array({1}, {0}));
  with_input("negative step counter", "step", "step", gen::real_array({}, {-1}));
  with_input("fractional step counter", "step", "step", gen::real_array({}, {1.5}));
  with_input("step given as a vector", "step.shape", "step", gen::real_array({2}, {1, 2}));
  Case amsgrad = base_case();
  amsgrad.spec["amsgrad"] = true;
  out.push_back({"amsgrad without max_exp_avg_sq", amsgrad, "inputs.max_exp_avg_sq"});
  return out;
}

/// A variant that runs the fast kernel on a deliberately altered case.
WrongVariant altered(std::string name, std::string description, void (*alter)(Case&)) {
  return {std::move(name), std::move(description), generate, [alter](const Case& c, Dtype dtype) {
            Case wrong = c;
            alter(wrong);
            return run_fast(wrong, dtype);
          }};
}

std::vector<WrongVariant> wrong_variants() {
  std::vector<WrongVariant> out;
  out.push_back(altered("eps_other_side", "eps inside the square root where the spec puts it outside, and vice versa",
                        [](Case& c) { c.spec["eps_placement"] = c.spec["eps_placement"] == "outside" ? "inside" : "outside"; }));
  out.push_back(altered("bias_correction_flipped", "bias correction left out (or applied when switched off)",
                        [](Case& c) { c.spec["bias_correction"] = !c.spec["bias_correction"].get<bool>(); }));
  out.push_back({"step_off_by_one", "bias corrections use t + 1 (the counter incremented before and after)", generate,
                 [](const Case& c, Dtype dtype) {
                   Case wrong = c;
                   const Real step = c.inputs.at("step")[0];
                   wrong.inputs.insert_or_assign("step", Array<Real>(Shape{}, std::vector<Real>{step + 1}));
                   NamedArrays<double> out = run_fast(wrong, dtype);
                   out.at("step")[0] -= 1;  // the counter it reports is right; only the corrections are off
                   return out;
                 }});
  out.push_back(altered("betas_swapped", "beta1 and beta2 exchanged", [](Case& c) { std::swap(c.spec["beta1"], c.spec["beta2"]); }));
  WrongVariant single{"float32_arithmetic", "a float64 kernel that computes in float32", generate,
                      [](const Case& c, Dtype) {
                        Case narrowed = c;
                        for (auto& [name, a] : narrowed.inputs)
                          a = a.map<Real>([](const Real& x) { return exact(static_cast<double>(round_to_float(x))); });
                        return run_fast(narrowed, Dtype::float32);
                      },
                      {Dtype::float64}};
  out.push_back(std::move(single));
  return out;
}

}  // namespace

const Entry& adam_entry() {
  static const Entry entry{
      .name = Adam::op,
      .kind = "rule",
      .summary = "Adam (Kingma & Ba 2015) with AMSGrad, coupled L2, maximize, eps placement and bias correction",
      .doc = "rules/adam.md",
      .fields = fields_of<Adam>(),
      .presets = presets_of_spec<Adam>(),
      .inputs = {{"param", "[*]", "parameters theta"},
                 {"grad", "[steps, *param] or [*param]", "one gradient per step"},
                 {"exp_avg", "[*param]", "first moment m"},
                 {"exp_avg_sq", "[*param]", "second moment v"},
                 {"max_exp_avg_sq", "[*param]", "running max of v (amsgrad only)", false, true},
                 {"step", "[]", "steps already taken", true}},
      .outputs = {{"param", "[*param]", "updated parameters"},
                  {"exp_avg", "[*param]", "updated m"},
                  {"exp_avg_sq", "[*param]", "updated v"},
                  {"max_exp_avg_sq", "[*param]", "updated running max (amsgrad only)", false, true},
                  {"step", "[]", "step + steps", true}},
      .make_spec = make_spec_json<Adam>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = {},
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {},
      .deviations = {{"m is updated as beta1 m + (1 - beta1) g",
                      "PyTorch 2.x writes exp_avg.lerp_(grad, 1 - beta1) = m + (1 - beta1)(g - m): the same real "
                      "number, so the reference is unchanged; a float kernel in PyTorch's order rounds differently, "
                      "and this error model analyses gradref's order"}},
  };
  return entry;
}

}  // namespace gradref::catalog
