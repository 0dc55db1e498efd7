// Catalog entry for the graph engine: a computation graph given as an
// s-expression, its value and its gradient with respect to every input by reverse
// mode. Reference-only (no fast kernel); the error bound is the Tracked run of the
// engine, the bound for a float/double engine doing the same operations.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/reference/graph.hpp"
#include "gradref/spec/graph.hpp"
#include "run_in_dtype.hpp"

namespace gradref::catalog {
namespace {

using reference::GraphFault;

/// The names an expression's inputs may have (the catalog's ports are declared).
constexpr std::array<const char*, 12> kSymbols{"a", "b", "c", "p", "q", "t", "u", "v", "w", "x", "y", "z"};

const char* kOp = spec::Graph::op;

reference::Graph parsed(const Case& c) {
  return reference::parse_graph(spec_from_json<spec::Graph>(c.spec, "").expression);
}

NamedArrays<Real> run_reference(const Case& c) {
  const reference::GraphResult<Real> r = reference::graph_gradient<Real>(parsed(c), c.inputs);
  NamedArrays<Real> out{{"value", r.value}};
  for (const auto& [name, g] : r.gradients) out.emplace("grad_" + name, g);
  return out;
}

/// The bound for an engine in the dtype: exp within 1 ULP, log within 4, sums in
/// any order (depth n - 1 bounds every order of a sum of n terms).
NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  RoundingModel model = fast_rounding_model();
  model.sum_depth = [](std::int64_t n) { return n > 1 ? n - 1 : 0; };
  ScopedRoundingModel scoped(model);
  reference::GraphInputs<Tracked> inputs;
  for (const auto& [name, array] : c.inputs) inputs.emplace(name, tracked(array, dtype));
  const reference::GraphResult<Tracked> r = reference::graph_gradient<Tracked>(parsed(c), inputs);
  NamedArrays<Real> out{{"value", errors_of(r.value)}};
  for (const auto& [name, g] : r.gradients) out.emplace("grad_" + name, errors_of(g));
  return out;
}

/// The engine run in the dtype with one VJP broken: the known-wrong variants.
std::function<NamedArrays<double>(const Case&, Dtype)> run_with(GraphFault fault) {
  return run_in_dtype([fault](const Case& c, auto zero) {
    using T = decltype(zero);
    reference::GraphInputs<T> inputs;
    for (const auto& [name, array] : c.inputs) {
      const std::vector<T> values = exact_values<T>(array, kOp, name);
      inputs.emplace(name, Array<T>(array.shape(), values));
    }
    const reference::GraphResult<T> r = reference::graph_gradient<T>(parsed(c), inputs, fault);
    NamedArrays<double> out{{"value", widened<T>(r.value.shape(), r.value.span())}};
    for (const auto& [name, g] : r.gradients) out.emplace("grad_" + name, widened<T>(g.shape(), g.span()));
    return out;
  });
}

// ---- generators ----

/// How an input's values are drawn. All are exact in the dtype and keep the
/// graph away from its kinks and poles (finite differences and the error model
/// need both sides of every branch to stay put).
enum class Values {
  any,       ///< mantissa in [-1, 1] times 10^k, k in [-3, 0]
  positive,  ///< in [0.05, 2.05]: log, sqrt and real powers
  unit,      ///< in [0.05, 0.95]: probabilities
  index,     ///< class indices in [0, m): pick's t
  apart,     ///< x's element minus 0.05..0.95 or 1.05..3 (either sign): |x - y| away from 0 and 1
  hard,      ///< gen::hard: zeros, subnormals, tiny and huge magnitudes (squares stay finite)
  near,      ///< x's element, or x's element times 1 + k 2^-20 (|k| <= 8): cancellation in x - y
};

struct Operand {
  const char* name;
  std::vector<char> dims;  ///< of 'n', 'm', 'k', each drawn in [1, 4]
  Values values;
};

struct Example {
  const char* expression;
  std::vector<Operand> operands;  ///< in the order they are drawn (x before an `apart` y)
};

/// Graphs covering every primitive, shared nodes (a node with two children)
/// included, and the losses written as graphs.
const std::vector<Example>& examples() {
  static const std::vector<Example> e{
      {"(sum (mul (sub x y) (sub x y)))", {{"x", {'n'}, Values::any}, {"y", {'n'}, Values::any}}},
      {"(sum (mul x x))", {{"x", {'n', 'm'}, Values::any}}},
      {"(let ((d (sub x y))) (mean (mul d d)))", {{"x", {'n', 'm'}, Values::any}, {"y", {'n', 'm'}, Values::any}}},
      {"(sum (div x (add 1 (mul y y))))", {{"x", {'n'}, Values::any}, {"y", {'n'}, Values::any}}},
      {"(sum (log (div p q)))", {{"p", {'n'}, Values::positive}, {"q", {'n'}, Values::positive}}},
      {"(mean (sub (log1p (exp x)) (mul y x)))", {{"x", {'n'}, Values::any}, {"y", {'n'}, Values::unit}}},
      {"(sum (add (mul (sqrt p) (pow q 3)) (pow p -0.5)))",
       {{"p", {'n'}, Values::positive}, {"q", {'n'}, Values::positive}}},
      {"(sum (tanh (matmul w x)))", {{"w", {'m', 'k'}, Values::any}, {"x", {'k', 'n'}, Values::any}}},
      {"(let ((h (sigmoid (add (matmul w x) b)))) (sum (mul h h)))",
       {{"w", {'m', 'k'}, Values::any}, {"x", {'k', 'n'}, Values::any}, {"b", {'m', '1'}, Values::any}}},
      {"(let ((m (amax z 1)) (lse (add m (log (sum (exp (sub z m)) 1))))) (mean (sub lse (pick z t))))",
       {{"z", {'n', 'm'}, Values::any}, {"t", {'n'}, Values::index}}},
      {"(sum (add (max x y) (mul 3 (min x y))))", {{"x", {'n'}, Values::any}, {"y", {'n'}, Values::apart}}},
      {"(let ((a (abs (sub x y))) (c (min a 1))) (mean (mul c (sub a (mul 0.5 c)))))",
       {{"x", {'n'}, Values::any}, {"y", {'n'}, Values::apart}}},
      {"(sum (mul (sum w 0) (sum w 1)))", {{"w", {'m', 'k'}, Values::any}}},
      {"(sum (matmul (transpose w) (neg w)))", {{"w", {'m', 'k'}, Values::any}}},
      {"(div (sum (exp x)) (sum (exp y)))", {{"x", {'n'}, Values::any}, {"y", {'n'}, Values::any}}},
      {"(sum (mul (sub z (mean z)) (exp (neg z))))", {{"z", {'n', 'm'}, Values::any}}},
      {"(sum (mul (amax u) (mul v v)))", {{"u", {'n', 'm'}, Values::any}, {"v", {'k'}, Values::any}}},
  };
  return e;
}

/// Graphs of squares and differences on hard values: underflow, subnormals, huge
/// magnitudes and cancellation. Not for finite differences (a gradient of 1e-300
/// is below what 512-bit differences resolve): the derivative generator leaves them out.
const std::vector<Example>& hard_examples() {
  static const std::vector<Example> e{
      {"(sum (mul x x))", {{"x", {'n', 'm'}, Values::hard}}},
      {"(let ((d (sub x y))) (mean (mul d d)))", {{"x", {'n'}, Values::hard}, {"y", {'n'}, Values::near}}},
      {"(sum (mul (sub x y) (add x y)))", {{"x", {'n'}, Values::hard}, {"y", {'n'}, Values::near}}},
  };
  return e;
}

rc::Gen<double> values_of(Values kind, Dtype dtype) {
  const auto fraction = rc::gen::map(rc::gen::inRange(0, 1000001), [](int k) { return k * 1e-6; });
  switch (kind) {
    case Values::positive:
      return rc::gen::map(fraction, [dtype](double f) { return gen::in_dtype(0.05 + 2 * f, dtype); });
    case Values::unit:
      return rc::gen::map(fraction, [dtype](double f) { return gen::in_dtype(0.05 + 0.9 * f, dtype); });
    case Values::hard:  // squares of n * m <= 16 values stay finite
      return gen::hard(dtype, dtype == Dtype::float32 ? 1e18 : 1e150);
    default:
      return gen::ordinary(dtype, -3, 0);
  }
}

/// A case of example `e`; dims n, m, k in [1, 4].
rc::Gen<Case> case_of(const Example& e, Dtype dtype) {
  return rc::gen::exec([&e, dtype] {
    const std::int64_t n = *rc::gen::inRange(1, 5), m = *rc::gen::inRange(1, 5), k = *rc::gen::inRange(1, 5);
    Case c{kOp, spec_to_json(spec::Graph{e.expression}), {}};
    for (const Operand& o : e.operands) {
      Shape shape;
      for (char d : o.dims) shape.push_back(d == 'n' ? n : d == 'm' ? m : d == 'k' ? k : 1);
      const std::int64_t size = element_count(shape);
      std::vector<double> x;
      if (o.values == Values::index) {
        x = *gen::values(size, rc::gen::map(rc::gen::inRange<std::int64_t>(0, m), [](std::int64_t i) { return double(i); }));
      } else if (o.values == Values::apart) {
        const Array<Real>& from = c.inputs.at("x");
        const auto offset = rc::gen::oneOf(rc::gen::inRange(50, 951), rc::gen::inRange(1050, 3001));
        for (std::int64_t i = 0; i < size; ++i) {
          const double d = *offset * 1e-3 * (*rc::gen::arbitrary<bool>() ? 1 : -1);
          x.push_back(gen::in_dtype(round_to_double(from[i]) - d, dtype));
        }
      } else if (o.values == Values::near) {
        const Array<Real>& from = c.inputs.at("x");
        for (std::int64_t i = 0; i < size; ++i) {
          const int k = *rc::gen::inRange(-8, 9);
          x.push_back(gen::in_dtype(round_to_double(from[i]) * (1 + k * 0x1p-20), dtype));
        }
      } else {
        x = *gen::values(size, values_of(o.values, dtype));
      }
      c.inputs.emplace(o.name, gen::real_array(shape, x));
    }
    return c;
  });
}

/// Cases of the examples whose expression contains `part` (every example for "").
rc::Gen<Case> cases_with(const std::string& part, Dtype dtype, const std::vector<Example>& from = examples()) {
  std::vector<const Example*> chosen;
  for (const Example& e : from)
    if (std::string(e.expression).find(part) != std::string::npos) chosen.push_back(&e);
  return rc::gen::mapcat(rc::gen::elementOf(chosen), [dtype](const Example* e) { return case_of(*e, dtype); });
}

/// Moderate cases, away from kinks and poles: for finite differences.
rc::Gen<Case> generate_moderate(Dtype dtype) { return cases_with("", dtype); }

/// Moderate cases and, one time in four, squares and differences of hard values.
rc::Gen<Case> generate(Dtype dtype) {
  return rc::gen::weightedOneOf<Case>({{3, generate_moderate(dtype)}, {1, cases_with("", dtype, hard_examples())}});
}

// ---- invalid inputs ----

Case case_with(const std::string& expression, const NamedArrays<Real>& inputs) {
  return Case{kOp, spec_to_json(spec::Graph{expression}), inputs};
}

std::vector<InvalidCase> invalid_cases() {
  const Array<Real> x = gen::real_array({2, 3}, {0.5, -1.25, 2, 0.75, -3, 1.5});
  const Array<Real> y = gen::real_array({2, 3}, {1, 2, 3, 4, 5, 6});
  const Array<Real> y3 = gen::real_array({3}, {1, 2, 3});
  const Array<Real> t = gen::real_array({2}, {0, 3});
  const Array<Real> half = gen::real_array({2}, {0, 0.5});
  const NamedArrays<Real> xy{{"x", x}, {"y", y}};
  std::vector<InvalidCase> out{
      {"unbalanced: a ')' missing", case_with("(sum (mul x y)", xy), "expression"},
      {"unbalanced: a ')' too many", case_with("(sum (mul x y)))", xy), "expression"},
      {"empty list", case_with("(sum ())", xy), "expression"},
      {"empty expression", case_with(" ", xy), "expression"},
      {"unknown primitive", case_with("(summ (mul x y))", xy), "expression"},
      {"a primitive used as a value", case_with("(sum exp)", xy), "expression"},
      {"wrong arity: exp of two arguments", case_with("(sum (exp x y))", xy), "expression"},
      {"wrong arity: mul of one argument", case_with("(sum (mul x))", xy), "expression"},
      {"exponent not a number literal", case_with("(sum (pow x y))", xy), "expression"},
      {"integer exponent beyond 10^6", case_with("(sum (pow x 99999999999))", xy), "expression"},
      {"axis not 0 or 1", case_with("(sum (sum x 2))", xy), "expression"},
      {"malformed let", case_with("(let (d (sub x y)) (sum d))", xy), "expression"},
      {"unknown symbol (no such input)", case_with("(sum (mul x q))", xy), "expression"},
      {"a number that is not finite", case_with("(sum (mul x 1e999))", xy), "expression"},
      {"shape mismatch in add", case_with("(sum (add x y))", {{"x", x}, {"y", y3}}), "expression"},
      {"shape mismatch in matmul", case_with("(sum (matmul x y))", xy), "expression"},
      {"non-scalar output", case_with("(mul x y)", xy), "expression"},
      {"log of a negative input", case_with("(sum (log x))", xy), "x"},
      {"sqrt of a computed 0", case_with("(sum (sqrt (sub y y)))", xy), "expression"},
      {"division by a computed 0", case_with("(sum (div x (sub y y)))", xy), "expression"},
      {"pick index out of range", case_with("(sum (pick x t))", {{"x", x}, {"t", t}}), "t"},
      {"pick index not an integer", case_with("(sum (pick x t))", {{"x", x}, {"t", half}}), "t"},
  };
  Case not_text = case_with("(sum x)", xy);
  not_text.spec["expression"] = 3;
  out.push_back({"expression not a string", not_text, "expression"});
  return out;
}

// ---- the entry ----

std::vector<WrongVariant> wrong_variants() {
  const auto on = [](std::string part) { return [part](Dtype d) { return cases_with(part, d); }; };
  return {
      {"div_without_minus", "d(a / b) / db = +a / b^2 (the minus sign dropped)", on("(div"),
       run_with(GraphFault::div_without_minus)},
      {"sub_right_not_negated", "d(a - b) / db = +1: the right operand's gradient not negated", on("(sub"),
       run_with(GraphFault::sub_right_not_negated)},
      {"overwrite_not_accumulate",
       "a node's gradient set by each child in turn instead of summed over its children (x * x gives x, not 2x)",
       generate, run_with(GraphFault::overwrite)},
      {"log_times_x", "d(log a) / da = a instead of 1 / a", on("(log "), run_with(GraphFault::log_times_x)},
      {"tanh_one_plus", "d(tanh a) / da = 1 + tanh^2 a instead of 1 - tanh^2 a", on("(tanh"),
       run_with(GraphFault::tanh_one_plus)},
      {"max_to_smaller", "max's gradient routed to the smaller argument (and min's to the larger)", on("(max"),
       run_with(GraphFault::max_to_smaller)},
      {"broadcast_not_summed",
       "a broadcast argument (a bias column, a row maximum, a mean) gets one element's contribution, not the sum",
       generate_moderate, run_with(GraphFault::broadcast_not_summed)},
  };
}

std::vector<Port> input_ports() {
  std::vector<Port> out;
  for (const char* s : kSymbols)
    out.push_back({s, "any", "an input the expression names (inputs it does not name get a zero gradient)", false,
                   true});
  return out;
}

std::vector<Port> output_ports() {
  std::vector<Port> out{{"value", "[]", "the expression's value"}};
  for (const char* s : kSymbols)
    out.push_back({std::string("grad_") + s, "like " + std::string(s),
                   std::string("d value / d ") + s + " by reverse mode (0 for pick's class indices)", false, true});
  return out;
}

std::vector<Gradient> gradients() {
  std::vector<Gradient> out;
  for (const char* s : kSymbols)
    if (std::string(s) != "t") out.push_back({"value", s, std::string("grad_") + s});
  return out;
}

}  // namespace

const Entry& graph_entry() {
  static const Entry entry{
      .name = spec::Graph::op,
      .kind = "graph",
      .summary = "A computation graph given as an s-expression: its value and reverse-mode gradient for every input",
      .doc = "graph/graph.md",
      .fields = fields_of<spec::Graph>(),
      .presets = presets_of_spec<spec::Graph>(),
      .inputs = input_ports(),
      .outputs = output_ports(),
      .make_spec = make_spec_json<spec::Graph>,
      .reference = run_reference,
      .fast = {},
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = gradients(),
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
