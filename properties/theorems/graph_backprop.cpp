// Theorems of the graph engine (reference/graph.hpp), checked in Real:
//  1. every loss of the catalog written as a graph has the value and the gradient of
//     the hand-written reference, to all the digits both certify: the two compute
//     in different orders, so each is evaluated at p and 2p bits and they must agree
//     within the sum of their p/2p disagreements (plus 2^-p of the magnitude), the
//     certification `gradref eval` reports (catalog::certify); likewise the
//     activations and the dense layer (layers/activation.hpp, layers/dense.hpp),
//     as sum(g * layer(x)) against their backward passes for the cotangent g;
//  2. reverse mode equals forward mode: for a random direction v, sum_i grad_i v_i
//     from graph_gradient equals the tangent of the output from graph_forward over
//     Dual<Real> (whose rules are written independently, reference/dual.hpp), on the
//     loss graphs and on the catalog's graph cases, certified the same way.
// Each is also run with deliberately broken vector-Jacobian products
// (reference::GraphFault) and must fail on some drawn cases.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <functional>
#include <iostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/reference/dual.hpp"
#include "gradref/reference/graph.hpp"
#include "gradref/reference/layers/activation.hpp"
#include "gradref/reference/layers/dense.hpp"
#include "gradref/reference/layers/mlp.hpp"
#include "gradref/spec/graph.hpp"
#include "theorem_checks.hpp"

namespace gradref::properties {
namespace {

using catalog::Case;
using catalog::Dtype;
using catalog::Json;
using catalog::NamedArrays;
using reference::GraphFault;

constexpr unsigned kP = default_bits;

/// A loss of the catalog and the same loss as a graph.
struct LossGraph {
  std::string loss;                                          ///< catalog op
  Json spec;                                                 ///< given fields (the rest from the first preset)
  std::string expression;                                    ///< over the symbols below
  std::vector<std::pair<std::string, std::string>> inputs;   ///< loss input -> graph symbol
  std::vector<std::pair<std::string, std::string>> outputs;  ///< loss output -> graph output
  std::function<rc::Gen<NamedArrays<Real>>()> draw;          ///< the loss's inputs
};

rc::Gen<double> any() { return catalog::gen::ordinary(Dtype::float64, -3, 1); }
rc::Gen<double> between(double lo, double hi) {
  return rc::gen::map(rc::gen::inRange(0, 1000001), [lo, hi](int k) { return lo + (hi - lo) * k * 1e-6; });
}

rc::Gen<Array<Real>> array(Shape shape, rc::Gen<double> g) {
  return rc::gen::map(catalog::gen::values(element_count(shape), std::move(g)),
                      [shape](const std::vector<double>& v) { return catalog::gen::real_array(shape, v); });
}

/// Input and target of one shape; targets equal to the input or at `offset` from it sometimes (kinks).
rc::Gen<NamedArrays<Real>> pair_of(rc::Gen<double> x_values, rc::Gen<double> y_values, double offset = 0) {
  return rc::gen::exec([=] {
    const Shape shape{*rc::gen::inRange<std::int64_t>(1, 4), *rc::gen::inRange<std::int64_t>(1, 4)};
    const std::int64_t n = element_count(shape);
    std::vector<double> x = *catalog::gen::values(n, x_values), y = *catalog::gen::values(n, y_values);
    for (std::int64_t i = 0; i < n; ++i) {
      const int kind = *rc::gen::inRange(0, 6);
      if (kind == 0) y[static_cast<std::size_t>(i)] = x[static_cast<std::size_t>(i)];
      if (kind == 1 && offset > 0) y[static_cast<std::size_t>(i)] = x[static_cast<std::size_t>(i)] - offset;
    }
    return NamedArrays<Real>{{"input", catalog::gen::real_array(shape, x)},
                             {"target", catalog::gen::real_array(shape, y)}};
  });
}

/// Logits [N, C] (named `name`) and class indices [N].
rc::Gen<NamedArrays<Real>> classes_of(const std::string& name) {
  return rc::gen::exec([name] {
    const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 5), c = *rc::gen::inRange<std::int64_t>(1, 5);
    std::vector<double> t;
    for (std::int64_t i = 0; i < n; ++i) t.push_back(static_cast<double>(*rc::gen::inRange<std::int64_t>(0, c)));
    return NamedArrays<Real>{{name, *array({n, c}, any())}, {"target", catalog::gen::real_array({n}, t)}};
  });
}

rc::Gen<NamedArrays<Real>> rows_of(std::vector<std::string> names) {
  return rc::gen::exec([names] {
    const Shape shape{*rc::gen::inRange<std::int64_t>(1, 4), *rc::gen::inRange<std::int64_t>(1, 5)};
    NamedArrays<Real> out;
    for (const std::string& n : names) out.emplace(n, *array(shape, between(0.01, 1)));
    return out;
  });
}

const std::string kSquared = "(let ((d (sub x y))) (R (mul d d)))";
const std::string kHuber = "(let ((a (abs (sub x y))) (c (min a D))) (R (mul c (sub a (mul 0.5 c)))))";
const std::string kBce = "(neg (R (add (mul y (log x)) (mul (sub 1 y) (log1p (neg x))))))";
const std::string kBceLogits = "(R (sub (add (max x 0) (log1p (exp (neg (abs x))))) (mul x y)))";
const std::string kCrossEntropy =
    "(let ((m (amax z 1)) (lse (add m (log (sum (exp (sub z m)) 1))))) (R (sub lse (pick z t))))";
const std::string kGaussian =
    "(let ((d (sub x y)) (s (max v 0.000001))) (R (mul 0.5 (add (log s) (div (mul d d) s)))))";

std::string with(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

const std::vector<std::pair<std::string, std::string>> kPointwise{{"input", "x"}, {"target", "y"}};
const std::vector<std::pair<std::string, std::string>> kPointwiseOut{
    {"loss", "value"}, {"grad_input", "grad_x"}, {"grad_target", "grad_y"}};

/// Every loss of the catalog as a graph, under its reductions to a scalar.
std::vector<LossGraph> loss_graphs() {
  std::vector<LossGraph> out;
  for (const std::string r : {"mean", "sum"}) {
    const Json reduction{{"reduction", r}};
    out.push_back({"mse", reduction, with(kSquared, "R", r), kPointwise, kPointwiseOut, [] { return pair_of(any(), any()); }});
    out.push_back({"l1", reduction, "(" + r + " (abs (sub x y)))", kPointwise, kPointwiseOut,
                   [] { return pair_of(any(), any()); }});
    for (const double delta : {1.0, 0.5})
      out.push_back({"huber", Json{{"reduction", r}, {"delta", delta}}, with(with(kHuber, "R", r), "D", delta == 1 ? "1" : "0.5"),
                     kPointwise, kPointwiseOut, [delta] { return pair_of(any(), any(), delta); }});
    out.push_back({"bce", reduction, with(kBce, "R", r), kPointwise, kPointwiseOut,
                   [] { return pair_of(between(0.01, 0.99), between(0, 1)); }});
    out.push_back({"bce_with_logits", reduction, with(kBceLogits, "R", r), kPointwise, kPointwiseOut,
                   [] { return pair_of(any(), between(0, 1)); }});
    out.push_back({"cross_entropy", Json{{"reduction", r}, {"target_type", "indices"}}, with(kCrossEntropy, "R", r),
                   {{"logits", "z"}, {"target", "t"}}, {{"loss", "value"}, {"grad_logits", "grad_z"}},
                   [] { return classes_of("logits"); }});
    out.push_back({"nll", reduction, "(neg (" + r + " (pick z t)))", {{"input", "z"}, {"target", "t"}},
                   {{"loss", "value"}, {"grad_input", "grad_z"}}, [] { return classes_of("input"); }});
    out.push_back({"entropy", Json{{"reduction", r}, {"p_form", "prob"}}, "(neg (" + r + " (sum (mul p (log p)) 1)))",
                   {{"p", "p"}}, {{"loss", "value"}, {"grad_p", "grad_p"}}, [] { return rows_of({"p"}); }});
    out.push_back({"gaussian_nll", Json{{"reduction", r}, {"variance", "input"}, {"full", false}},
                   with(kGaussian, "R", r), {{"input", "x"}, {"target", "y"}, {"var", "v"}},
                   {{"loss", "value"}, {"grad_input", "grad_x"}, {"grad_target", "grad_y"}, {"grad_var", "grad_v"}},
                   [] {
                     return rc::gen::exec([] {
                       NamedArrays<Real> in = *pair_of(any(), any());
                       in.emplace("var", *array(in.at("input").shape(), between(0.01, 2)));
                       return in;
                     });
                   }});
  }
  // Cross-entropy with probability targets (rows need not sum to 1).
  const std::string soft =
      "(let ((m (amax z 1)) (lse (add m (log (sum (exp (sub z m)) 1))))) (R (sum (mul q (sub lse z)) 1)))";
  for (const std::string r : {"mean", "sum"})
    out.push_back({"cross_entropy", Json{{"reduction", r}, {"target_type", "probabilities"}}, with(soft, "R", r),
                   {{"logits", "z"}, {"target", "q"}},
                   {{"loss", "value"}, {"grad_logits", "grad_z"}, {"grad_target", "grad_q"}}, [] {
                     return rc::gen::exec([] {
                       const Shape shape{*rc::gen::inRange<std::int64_t>(1, 5), *rc::gen::inRange<std::int64_t>(1, 5)};
                       return NamedArrays<Real>{{"logits", *array(shape, any())},
                                                {"target", *array(shape, between(0, 1))}};
                     });
                   }});
  // H(P, Q) and KL divergence on probabilities: the sum, and the mean over elements.
  for (const std::string r : {"sum", "mean"})
    out.push_back({"cross_entropy_pq", Json{{"reduction", r}, {"p_form", "prob"}, {"q_form", "prob"}},
                   "(neg (" + r + " (mul p (log q))))", {{"p", "p"}, {"q", "q"}},
                   {{"loss", "value"}, {"grad_p", "grad_p"}, {"grad_q", "grad_q"}}, [] { return rows_of({"p", "q"}); }});
  const std::string kl = "(sum (mul p (sub (log p) (log q))))";
  for (const std::string r : {"sum", "mean"})
    out.push_back({"kl_divergence", Json{{"reduction", r}, {"p_form", "prob"}, {"q_form", "prob"}},
                   r == "sum" ? kl : "(mean (mul p (sub (log p) (log q))))", {{"p", "p"}, {"q", "q"}},
                   {{"loss", "value"}, {"grad_p", "grad_p"}, {"grad_q", "grad_q"}}, [] { return rows_of({"p", "q"}); }});
  return out;
}

/// The graph's outputs at `bits`, by the engine with `fault`.
NamedArrays<Real> graph_outputs(const std::string& expression, const NamedArrays<Real>& inputs, GraphFault fault,
                                unsigned bits) {
  ScopedPrecision precision(bits);
  reference::GraphInputs<Real> in;
  for (const auto& [name, a] : inputs) in.emplace(name, a.map<Real>([](const Real& x) { return at_working_precision(x); }));
  const reference::GraphResult<Real> r = reference::graph_gradient<Real>(reference::parse_graph(expression), in, fault);
  NamedArrays<Real> out{{"value", r.value}};
  for (const auto& [name, g] : r.gradients) out.emplace("grad_" + name, g);
  return out;
}

/// a and b agree within what their p / 2p evaluations certify.
bool agree(const Real& a_low, const Real& a_high, const Real& b_low, const Real& b_high, unsigned p = kP) {
  ScopedPrecision precision(2 * p);
  const Real slack = abs(a_high - a_low) + abs(b_high - b_low) +
                     (abs(a_high) + abs(b_high)) * theorems::two_to_minus(static_cast<int>(p));
  return abs(a_high - b_high) <= slack;
}

/// Digits certified at p / 2p: a nonzero value with at least 34 digits. (An exact 0
/// at p and 2p is no evidence of a 0: a cancellation deeper than 2p gives it.)
bool certified(const Real& low, const Real& high, unsigned p = kP) {
  ScopedPrecision precision(2 * p);
  return high != 0 && catalog::certify(low, high, p).digits >= 34;
}

enum class Verdict { same, different, uncertain };

/// The theorem's check on one value computed both ways (a and b, each at p and 2p).
/// Both certified: they must agree within what both certify. One certified: the
/// other must agree within its own p/2p disagreement (bce's gradient at p = y is 0
/// in the hand-written form, rounding noise in the graph), unless it is an exact 0,
/// which p cannot tell from a deep cancellation: uncertain. Neither: the same if
/// they agree, else uncertain.
Verdict verdict(const Real& a_low, const Real& a_high, const Real& b_low, const Real& b_high, unsigned p = kP) {
  const bool ca = certified(a_low, a_high, p), cb = certified(b_low, b_high, p);
  const bool agreeing = agree(a_low, a_high, b_low, b_high, p);
  if (ca && cb) return agreeing ? Verdict::same : Verdict::different;
  if (ca != cb) {
    const Real& uncertain_high = ca ? b_high : a_high;
    if (uncertain_high == 0) return Verdict::uncertain;
    return agreeing ? Verdict::same : Verdict::different;
  }
  return agreeing ? Verdict::same : Verdict::uncertain;
}

bool same_value(const Real& a_low, const Real& a_high, const Real& b_low, const Real& b_high) {
  return verdict(a_low, a_high, b_low, b_high) == Verdict::same;
}

struct LossCase {
  const LossGraph* loss;
  Case loss_case;
  NamedArrays<Real> graph_inputs;
};

/// How RapidCheck prints a counterexample.
void showValue(const LossCase& c, std::ostream& os) {
  os << c.loss->loss << " as " << c.loss->expression << ": ";
  catalog::showValue(c.loss_case, os);
}

rc::Gen<LossCase> loss_cases(const std::vector<LossGraph>& graphs) {
  return rc::gen::exec([&graphs] {
    const LossGraph& g = graphs[*rc::gen::inRange<std::size_t>(0, graphs.size())];
    const catalog::Entry& entry = catalog::find(g.loss);
    LossCase c{&g, Case{g.loss, entry.make_spec(g.spec, ""), *g.draw()}, {}};
    for (const auto& [port, symbol] : g.inputs) c.graph_inputs.emplace(symbol, c.loss_case.inputs.at(port));
    return c;
  });
}

/// Theorem 1 on one case, the graph run with `fault`.
bool loss_matches(const LossCase& c, GraphFault fault) {
  const catalog::Entry& entry = catalog::find(c.loss->loss);
  const NamedArrays<Real> r_low = catalog::evaluate_at(entry, c.loss_case, kP);
  const NamedArrays<Real> r_high = catalog::evaluate_at(entry, c.loss_case, 2 * kP);
  const NamedArrays<Real> g_low = graph_outputs(c.loss->expression, c.graph_inputs, fault, kP);
  const NamedArrays<Real> g_high = graph_outputs(c.loss->expression, c.graph_inputs, fault, 2 * kP);
  for (const auto& [loss_name, graph_name] : c.loss->outputs) {
    const Array<Real>& rl = r_low.at(loss_name);
    const Array<Real>& rh = r_high.at(loss_name);
    const Array<Real>& gl = g_low.at(graph_name);
    const Array<Real>& gh = g_high.at(graph_name);
    if (rh.shape() != gh.shape()) return false;
    for (std::int64_t i = 0; i < rh.size(); ++i) {
      if (!same_value(rl[i], rh[i], gl[i], gh[i])) return false;
    }
  }
  return true;
}

const std::vector<LossGraph>& all_loss_graphs() {
  static const std::vector<LossGraph> graphs = loss_graphs();
  return graphs;
}

TEST(GraphBackprop, EveryLossAsAGraphEqualsItsHandWrittenBackward) {
  const bool ok = rc::check("loss as a graph = hand-written loss, value and gradients", [] {
    const LossCase c = *loss_cases(all_loss_graphs());
    RC_ASSERT(loss_matches(c, GraphFault::none));
  });
  EXPECT_TRUE(ok);
}

/// A broken VJP and the primitive it breaks (the text its graphs contain).
struct Broken {
  GraphFault fault;
  const char* name;
  const char* primitive;
};
constexpr Broken kBroken[] = {
    {GraphFault::div_without_minus, "div_without_minus", "(div "},
    {GraphFault::sub_right_not_negated, "sub_right_not_negated", "(sub "},
    {GraphFault::overwrite, "overwrite", ""},
    {GraphFault::log_times_x, "log_times_x", "(log "},
    {GraphFault::tanh_one_plus, "tanh_one_plus", "(tanh "},
    {GraphFault::max_to_smaller, "max_to_smaller", "(m"},  // max, min (mul and mean too: a superset)
    {GraphFault::broadcast_not_summed, "broadcast_not_summed", ""},
};

TEST(GraphBackprop, BrokenVjpsFailTheLossTheorem) {
  for (const Broken& b : kBroken) {
    std::vector<LossGraph> using_it;
    for (const LossGraph& g : all_loss_graphs())
      if (g.expression.find(b.primitive) != std::string::npos) using_it.push_back(g);
    if (using_it.empty()) {
      std::cout << "  " << b.name << ": no loss graph uses " << b.primitive << "\n";
      continue;
    }
    const int failed =
        theorems::failures(loss_cases(using_it), 100, [&b](const LossCase& c) { return loss_matches(c, b.fault); });
    EXPECT_GT(failed, 0) << b.name;
    std::cout << "  " << b.name << ": the loss theorem fails on " << failed << "/100 cases\n";
  }
}

// ---- theorem 1, layers: the activations as graphs ----

/// An activation and the same activation as a graph: sum(g * f(x)), whose
/// gradient is g f'(x) with respect to x (the activation's grad_input for
/// grad_output g) and f(x) with respect to g (its output).
struct ActivationGraph {
  const char* name;
  spec::Activation spec;
  std::string expression;
};

const std::vector<ActivationGraph>& activation_graphs() {
  using F = spec::ActivationFunction;
  const auto with_fn = [](F f, double slope = 0.01, double beta = 1) {
    spec::Activation s;
    s.function = f;
    s.negative_slope = slope;
    s.beta = beta;
    s.use_threshold = false;
    return s;
  };
  static const std::vector<ActivationGraph> graphs{
      {"identity", with_fn(F::identity), "(sum (mul g x))"},
      {"relu", with_fn(F::relu), "(sum (mul g (max x 0)))"},
      {"leaky_relu 0.01", with_fn(F::leaky_relu), "(sum (mul g (max x (mul 0.01 x))))"},
      {"leaky_relu 0.25", with_fn(F::leaky_relu, 0.25), "(sum (mul g (max x (mul 0.25 x))))"},
      {"tanh", with_fn(F::tanh), "(sum (mul g (tanh x)))"},
      {"sigmoid", with_fn(F::sigmoid), "(sum (mul g (sigmoid x)))"},
      {"softplus", with_fn(F::softplus), "(sum (mul g (log1p (exp x))))"},
      {"softplus beta 2", with_fn(F::softplus, 0.01, 2), "(sum (mul g (div (log1p (exp (mul 2 x))) 2)))"},
  };
  return graphs;
}

struct ActivationCase {
  const ActivationGraph* graph;
  NamedArrays<Real> inputs;  ///< x and g
};

/// x of ordinary size and never 0 (relu's kink, where the conventions differ: the
/// graph's max splits evenly, the activation takes a side), cotangents g.
void showValue(const ActivationCase& c, std::ostream& os) {
  os << c.graph->name << " as " << c.graph->expression << ", x and g:";
  for (const auto& [name, a] : c.inputs)
    for (const Real& v : a.values()) os << ' ' << to_decimal(v, 17);
}

rc::Gen<ActivationCase> activation_cases(const std::vector<const ActivationGraph*>& graphs) {
  return rc::gen::exec([graphs] {
    const ActivationGraph* a = graphs[*rc::gen::inRange<std::size_t>(0, graphs.size())];
    const Shape shape{*rc::gen::inRange<std::int64_t>(1, 4), *rc::gen::inRange<std::int64_t>(1, 5)};
    Array<Real> x = *array(shape, any());
    for (std::int64_t i = 0; i < x.size(); ++i)
      if (x[i] == 0) x[i] = Real(0.5);
    return ActivationCase{a, {{"x", std::move(x)}, {"g", *array(shape, any())}}};
  });
}

bool activation_matches(const ActivationCase& c, GraphFault fault) {
  const auto run = [&c](unsigned bits) {
    ScopedPrecision precision(bits);
    const auto working = [](const Array<Real>& a) { return a.map<Real>([](const Real& x) { return at_working_precision(x); }); };
    return reference::activation<Real>(c.graph->spec, working(c.inputs.at("x")), working(c.inputs.at("g")));
  };
  const reference::ActivationResult<Real> low = run(kP), high = run(2 * kP);
  const NamedArrays<Real> g_low = graph_outputs(c.graph->expression, c.inputs, fault, kP);
  const NamedArrays<Real> g_high = graph_outputs(c.graph->expression, c.inputs, fault, 2 * kP);
  for (const auto& [hand_low, hand_high, name] :
       {std::tuple{&low.grad_input, &high.grad_input, "grad_x"}, std::tuple{&low.output, &high.output, "grad_g"}})
    for (std::int64_t i = 0; i < hand_high->size(); ++i) {
      const Real &rl = (*hand_low)[i], &rh = (*hand_high)[i], &gl = g_low.at(name)[i], &gh = g_high.at(name)[i];
      if (!same_value(rl, rh, gl, gh)) return false;
    }
  return true;
}

std::vector<const ActivationGraph*> activations_with(const std::string& part) {
  std::vector<const ActivationGraph*> out;
  for (const ActivationGraph& a : activation_graphs())
    if (a.expression.find(part) != std::string::npos) out.push_back(&a);
  return out;
}

TEST(GraphBackprop, EveryActivationAsAGraphEqualsItsHandWrittenBackward) {
  const bool ok = rc::check("sum(g * f(x)) as a graph: gradients = the activation's grad_input and output", [] {
    RC_ASSERT(activation_matches(*activation_cases(activations_with("")), GraphFault::none));
  });
  EXPECT_TRUE(ok);
}

/// The broken VJPs an activation graph reaches (none of them has a sub, a log, a
/// divisor that depends on an input, or a broadcast input).
TEST(GraphBackprop, BrokenVjpsFailTheActivationTheorem) {
  for (const Broken& b : kBroken) {
    if (b.fault == GraphFault::div_without_minus || b.fault == GraphFault::sub_right_not_negated ||
        b.fault == GraphFault::log_times_x || b.fault == GraphFault::broadcast_not_summed)
      continue;
    const std::vector<const ActivationGraph*> using_it = activations_with(b.primitive);
    const int failed = theorems::failures(activation_cases(using_it), 100,
                                          [&b](const ActivationCase& c) { return activation_matches(c, b.fault); });
    EXPECT_GT(failed, 0) << b.name;
    std::cout << "  " << b.name << ": the activation theorem fails on " << failed << "/100 cases\n";
  }
}

// ---- theorem 1, layers: the dense layer as a graph ----

/// A dense layer's inputs (bias as [1, out] for the graph) and its cotangent g:
/// sum(g * (x W^T + b)) has gradients g W, g^T x, the column sums of g, and the
/// output itself with respect to g.
struct DenseCase {
  spec::Dense spec;
  NamedArrays<Real> arrays;  ///< x, w, b (when the spec has a bias), g
};

std::string dense_expression(const spec::Dense& s) {
  const std::string product = s.weight_layout == spec::WeightLayout::out_in ? "(matmul x (transpose w))" : "(matmul x w)";
  return "(sum (mul g " + (s.bias ? "(add " + product + " b)" : product) + "))";
}

void showValue(const DenseCase& c, std::ostream& os) {
  os << dense_expression(c.spec) << ":";
  for (const auto& [name, a] : c.arrays) {
    os << ' ' << name << " =";
    for (const Real& v : a.values()) os << ' ' << to_decimal(v, 17);
  }
}

rc::Gen<DenseCase> dense_cases() {
  return rc::gen::exec([] {
    DenseCase c;
    c.spec.bias = *rc::gen::arbitrary<bool>();
    c.spec.weight_layout = *rc::gen::element(spec::WeightLayout::out_in, spec::WeightLayout::in_out);
    const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 5), in = *rc::gen::inRange<std::int64_t>(1, 5),
                       out = *rc::gen::inRange<std::int64_t>(1, 5);
    c.arrays.emplace("x", *array({n, in}, any()));
    c.arrays.emplace("w", *array(c.spec.weight_layout == spec::WeightLayout::out_in ? Shape{out, in} : Shape{in, out}, any()));
    if (c.spec.bias) c.arrays.emplace("b", *array({1, out}, any()));
    c.arrays.emplace("g", *array({n, out}, any()));
    return c;
  });
}

bool dense_matches(const DenseCase& c, GraphFault fault) {
  const auto run = [&c](unsigned bits) {
    ScopedPrecision precision(bits);
    NamedArrays<Real> w;
    for (const auto& [name, a] : c.arrays) w.emplace(name, a.map<Real>([](const Real& x) { return at_working_precision(x); }));
    const Array<Real> bias = c.spec.bias ? Array<Real>(Shape{w.at("b").size()}, w.at("b").values()) : Array<Real>();
    return reference::dense<Real>(c.spec, w.at("x"), w.at("w"), c.spec.bias ? &bias : nullptr, w.at("g"));
  };
  const reference::DenseResult<Real> low = run(kP), high = run(2 * kP);
  const std::string expression = dense_expression(c.spec);
  const NamedArrays<Real> g_low = graph_outputs(expression, c.arrays, fault, kP);
  const NamedArrays<Real> g_high = graph_outputs(expression, c.arrays, fault, 2 * kP);
  std::vector<std::tuple<const Array<Real>*, const Array<Real>*, std::string>> pairs{
      {&low.grad_input, &high.grad_input, "grad_x"},
      {&low.grad_weight, &high.grad_weight, "grad_w"},
      {&low.output, &high.output, "grad_g"}};
  if (c.spec.bias) pairs.emplace_back(&low.grad_bias, &high.grad_bias, "grad_b");
  for (const auto& [hand_low, hand_high, name] : pairs) {
    if (hand_high->size() != g_high.at(name).size()) return false;
    for (std::int64_t i = 0; i < hand_high->size(); ++i)
      if (!same_value((*hand_low)[i], (*hand_high)[i], g_low.at(name)[i], g_high.at(name)[i])) return false;
  }
  return true;
}

TEST(GraphBackprop, TheDenseLayerAsAGraphEqualsItsHandWrittenBackward) {
  const bool ok = rc::check("sum(g * dense(x)) as a graph: gradients = dense's backward, output", [] {
    RC_ASSERT(dense_matches(*dense_cases(), GraphFault::none));
  });
  EXPECT_TRUE(ok);
}

/// The one break a dense graph reaches: its bias broadcast over the batch (no node
/// has two children; no sub, div, log, tanh or max).
TEST(GraphBackprop, AnUnsummedBiasGradientFailsTheDenseTheorem) {
  const int failed = theorems::failures(
      dense_cases(), 100, [](const DenseCase& c) { return dense_matches(c, GraphFault::broadcast_not_summed); });
  EXPECT_GT(failed, 0);
  std::cout << "  broadcast_not_summed: the dense theorem fails on " << failed << "/100 cases\n";
}

// ---- theorem 1, layers: the MLP as a graph ----

struct MlpCase {
  spec::Mlp spec;
  NamedArrays<Real> arrays;  ///< x, W1..WL, b1..bL ([1, n_l] in the graph), y (target) or c (cotangent)
  std::vector<std::int64_t> widths;
};

/// sigma(s) as a graph over the let-bound name s.
std::string activation_text(const spec::Mlp& m, spec::ActivationFunction f, const std::string& s) {
  using F = spec::ActivationFunction;
  switch (f) {
    case F::identity: return s;
    case F::relu: return "(max " + s + " 0)";
    case F::leaky_relu: return "(max " + s + " (mul " + spec::format_double(m.negative_slope) + " " + s + "))";
    case F::tanh: return "(tanh " + s + ")";
    case F::sigmoid: return "(sigmoid " + s + ")";
    default: return "(log1p (exp " + s + "))";  // softplus, beta 1, below the threshold
  }
}

std::string mlp_expression(const MlpCase& c) {
  const spec::Mlp& m = c.spec;
  std::string lets, h = "x";
  for (std::int64_t l = 1; l <= m.layers; ++l) {
    const std::string L = std::to_string(l);
    const std::string w = m.weight_layout == spec::WeightLayout::out_in ? "(transpose W" + L + ")" : "W" + L;
    lets += "(s" + L + " (add (matmul " + h + " " + w + ") b" + L + ")) ";
    lets += "(h" + L + " " + activation_text(m, spec::layer_activation(m, l).function, "s" + L) + ") ";
    h = "h" + L;
  }
  const std::string r = m.reduction == spec::Reduction::sum ? "sum" : "mean";
  std::string loss;
  if (m.loss == spec::MlpLoss::mse) loss = "(let ((d (sub " + h + " y))) (" + r + " (mul d d)))";
  if (m.loss == spec::MlpLoss::cross_entropy)
    loss = "(let ((m (amax " + h + " 1)) (lse (add m (log (sum (exp (sub " + h + " m)) 1))))) (" + r +
           " (sub lse (pick " + h + " y))))";
  if (m.loss == spec::MlpLoss::none) loss = "(sum (mul " + h + " c))";
  return "(let (" + lets + ") " + loss + ")";
}

/// Values in [-1, 1] for the MLP: its logits stay within a few dozen of each other,
/// so the graph's p_y - 1 (which cancels to -sum of the other probabilities)
/// loses fewer digits than p has. A class probability of e^-355 would cancel below
/// 2^-2p: p and 2p would then agree on the same wrong value, which no p/2p
/// certification can see (docs/graph/graph.md, "Certification").
rc::Gen<double> unit_sized() { return catalog::gen::ordinary(Dtype::float64, -3, 0); }

rc::Gen<MlpCase> mlp_cases() {
  return rc::gen::exec([] {
    using F = spec::ActivationFunction;
    MlpCase c;
    c.spec.layers = *rc::gen::inRange<std::int64_t>(1, 4);
    c.spec.activation = *rc::gen::element(F::identity, F::relu, F::leaky_relu, F::tanh, F::sigmoid, F::softplus);
    c.spec.weight_layout = *rc::gen::element(spec::WeightLayout::out_in, spec::WeightLayout::in_out);
    c.spec.loss = *rc::gen::element(spec::MlpLoss::mse, spec::MlpLoss::cross_entropy, spec::MlpLoss::none);
    c.spec.reduction = *rc::gen::element(spec::Reduction::mean, spec::Reduction::sum);
    c.spec.use_threshold = false;  // the graph's softplus is log1p(exp(s)) everywhere
    const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 4);
    for (std::int64_t l = 0; l <= c.spec.layers; ++l) c.widths.push_back(*rc::gen::inRange<std::int64_t>(1, 4));
    c.arrays.emplace("x", *array({n, c.widths[0]}, unit_sized()));
    for (std::int64_t l = 1; l <= c.spec.layers; ++l) {
      const std::int64_t in = c.widths[static_cast<std::size_t>(l - 1)], out = c.widths[static_cast<std::size_t>(l)];
      const Shape w = c.spec.weight_layout == spec::WeightLayout::out_in ? Shape{out, in} : Shape{in, out};
      c.arrays.emplace("W" + std::to_string(l), *array(w, unit_sized()));
      c.arrays.emplace("b" + std::to_string(l), *array({1, out}, unit_sized()));
    }
    const std::int64_t classes = c.widths.back();
    if (c.spec.loss == spec::MlpLoss::cross_entropy) {
      std::vector<double> t;
      for (std::int64_t i = 0; i < n; ++i) t.push_back(static_cast<double>(*rc::gen::inRange<std::int64_t>(0, classes)));
      c.arrays.emplace("y", catalog::gen::real_array({n}, t));
    } else {
      c.arrays.emplace(c.spec.loss == spec::MlpLoss::none ? "c" : "y", *array({n, classes}, unit_sized()));
    }
    return c;
  });
}

void showValue(const MlpCase& c, std::ostream& os) {
  os << mlp_expression(c) << ":";
  for (const auto& [name, a] : c.arrays) {
    os << ' ' << name << " =";
    for (const Real& v : a.values()) os << ' ' << to_decimal(v, 17);
  }
}

/// The MLP's check at p and 2p bits: uncertain while some value is (a saturated
/// tanh's 1 - tanh^2 cancels below 2^-p on both sides; a class probability of
/// e^-350 leaves the graph's p_y - 1 at 0 while the hand-written form keeps it).
Verdict mlp_verdict(const MlpCase& c, GraphFault fault, unsigned p) {
  const auto run = [&c](unsigned bits) {
    ScopedPrecision precision(bits);
    NamedArrays<Real> w;
    for (const auto& [name, a] : c.arrays) w.emplace(name, a.map<Real>([](const Real& x) { return at_working_precision(x); }));
    std::vector<Array<Real>> biases;
    for (std::int64_t l = 1; l <= c.spec.layers; ++l) {
      const Array<Real>& b = w.at("b" + std::to_string(l));
      biases.emplace_back(Shape{b.size()}, b.values());
    }
    reference::MlpInputs<Real> in;
    in.input = &w.at("x");
    for (std::int64_t l = 1; l <= c.spec.layers; ++l) {
      in.weights.push_back(&w.at("W" + std::to_string(l)));
      in.biases.push_back(&biases[static_cast<std::size_t>(l - 1)]);
    }
    if (w.contains("y")) in.target = &w.at("y");
    if (w.contains("c")) in.cotangent = &w.at("c");
    return reference::mlp<Real>(c.spec, in);
  };
  const reference::MlpResult<Real> low = run(p), high = run(2 * p);
  const std::string expression = mlp_expression(c);
  const NamedArrays<Real> g_low = graph_outputs(expression, c.arrays, fault, p);
  const NamedArrays<Real> g_high = graph_outputs(expression, c.arrays, fault, 2 * p);
  std::vector<std::tuple<const Array<Real>*, const Array<Real>*, std::string>> pairs{
      {&low.grad_input, &high.grad_input, "grad_x"}};
  if (low.has_loss) pairs.emplace_back(&low.loss, &high.loss, "value");
  for (std::int64_t l = 1; l <= c.spec.layers; ++l) {
    const std::size_t k = static_cast<std::size_t>(l - 1);
    pairs.emplace_back(&low.grad_weight[k], &high.grad_weight[k], "grad_W" + std::to_string(l));
    pairs.emplace_back(&low.grad_bias[k], &high.grad_bias[k], "grad_b" + std::to_string(l));
  }
  bool uncertain = false;
  for (const auto& [hand_low, hand_high, name] : pairs) {
    if (hand_high->size() != g_high.at(name).size()) return Verdict::different;
    for (std::int64_t i = 0; i < hand_high->size(); ++i) {
      const Verdict v = verdict((*hand_low)[i], (*hand_high)[i], g_low.at(name)[i], g_high.at(name)[i], p);
      if (v == Verdict::different) return v;
      uncertain = uncertain || v == Verdict::uncertain;
    }
  }
  return uncertain ? Verdict::uncertain : Verdict::same;
}

/// As `gradref eval` does, p doubles while the check is uncertain, up to 4096 bits.
bool mlp_matches(const MlpCase& c, GraphFault fault) {
  for (unsigned p = kP; p <= 4096; p *= 2) {
    const Verdict v = mlp_verdict(c, fault, p);
    if (v != Verdict::uncertain) return v == Verdict::same;
  }
  return false;
}

TEST(GraphBackprop, TheMlpAsAGraphEqualsItsHandWrittenBackward) {
  const bool ok = rc::check("MLP as a graph = hand-written MLP backward", [] {
    RC_ASSERT(mlp_matches(*mlp_cases(), GraphFault::none));
  });
  EXPECT_TRUE(ok);
}

TEST(GraphBackprop, BrokenVjpsFailTheMlpTheorem) {
  for (const Broken& b : kBroken) {
    if (b.fault == GraphFault::div_without_minus) continue;  // no divisor depends on an input
    const int failed = theorems::failures(mlp_cases(), 100, [&b](const MlpCase& c) { return mlp_matches(c, b.fault); });
    EXPECT_GT(failed, 0) << b.name;
    std::cout << "  " << b.name << ": the MLP theorem fails on " << failed << "/100 cases\n";
  }
}

// ---- theorem 2: reverse mode = forward mode ----

struct DirectionalCase {
  std::string expression;
  NamedArrays<Real> inputs;
  NamedArrays<Real> direction;  ///< per input, 0 for pick's class indices
};

void showValue(const DirectionalCase& d, std::ostream& os) {
  os << d.expression << ", inputs and direction:";
  for (const auto* arrays : {&d.inputs, &d.direction})
    for (const auto& [name, a] : *arrays) {
      os << ' ' << name << " =";
      for (const Real& v : a.values()) os << ' ' << to_decimal(v, 17);
    }
}

/// The loss graphs and the catalog's graph cases whose expression contains `part`,
/// with a direction drawn per input.
rc::Gen<DirectionalCase> directional_cases(std::string part = "") {
  return rc::gen::exec([part] {
    DirectionalCase d;
    std::vector<LossGraph> losses;
    for (const LossGraph& g : all_loss_graphs())
      if (g.expression.find(part) != std::string::npos) losses.push_back(g);
    if (!losses.empty() && *rc::gen::arbitrary<bool>()) {
      const LossCase c = *loss_cases(losses);
      d.expression = c.loss->expression;
      d.inputs = c.graph_inputs;
    } else {
      do {
        const Case c = *catalog::find("graph").generator(Dtype::float64);
        d.expression = catalog::spec_from_json<spec::Graph>(c.spec, "").expression;
        d.inputs = c.inputs;
      } while (d.expression.find(part) == std::string::npos);
    }
    for (const auto& [name, a] : d.inputs)
      d.direction.emplace(name, name == "t" ? Array<Real>(a.shape(), Real(0)) : *array(a.shape(), any()));
    return d;
  });
}

/// sum_i grad_i v_i by reverse mode and the output's tangent by forward mode, at `bits`.
std::pair<Real, Real> both_modes(const DirectionalCase& d, GraphFault fault, unsigned bits) {
  ScopedPrecision precision(bits);
  const NamedArrays<Real> reverse = graph_outputs(d.expression, d.inputs, fault, bits);
  Real dot = 0;
  for (const auto& [name, v] : d.direction) {
    const Array<Real>& g = reverse.at("grad_" + name);
    for (std::int64_t i = 0; i < v.size(); ++i) dot += g[i] * v[i];
  }
  reference::GraphInputs<reference::Dual<Real>> in;
  for (const auto& [name, a] : d.inputs) {
    std::vector<reference::Dual<Real>> values;
    for (std::int64_t i = 0; i < a.size(); ++i)
      values.emplace_back(at_working_precision(a[i]), at_working_precision(d.direction.at(name)[i]));
    in.emplace(name, Array<reference::Dual<Real>>(a.shape(), std::move(values)));
  }
  const auto forward = reference::graph_forward<reference::Dual<Real>>(reference::parse_graph(d.expression), in);
  return {dot, forward.back()[0].tangent()};
}

bool modes_agree(const DirectionalCase& d, GraphFault fault) {
  const auto [r_low, f_low] = both_modes(d, fault, kP);
  const auto [r_high, f_high] = both_modes(d, fault, 2 * kP);
  return same_value(r_low, r_high, f_low, f_high);
}

TEST(GraphBackprop, ReverseModeEqualsForwardMode) {
  const bool ok = rc::check("sum grad_i v_i = forward tangent along v", [] {
    RC_ASSERT(modes_agree(*directional_cases(), GraphFault::none));
  });
  EXPECT_TRUE(ok);
}

TEST(GraphBackprop, BrokenVjpsFailReverseEqualsForward) {
  for (const Broken& b : kBroken) {
    const int failed = theorems::failures(directional_cases(b.primitive), 100,
                                          [&b](const DirectionalCase& d) { return modes_agree(d, b.fault); });
    EXPECT_GT(failed, 0) << b.name;
    std::cout << "  " << b.name << ": reverse = forward fails on " << failed << "/100 cases\n";
  }
}

}  // namespace
}  // namespace gradref::properties
