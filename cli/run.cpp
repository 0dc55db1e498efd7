// gradref run: an update rule driven on an objective from a start point, until
// max |delta theta| < tol or a number of steps, in exact arithmetic. Prints the
// trajectory (every point certified like `gradref eval` output: the run is done at
// p and 2p bits and only agreeing digits are reported) and why it stopped.
//
// The objective is a case of an op with input `theta` and outputs `value` and
// `gradient` (the `objective` op), so every objective the catalog has can drive
// every rule; its `theta` is the start point. The rule is any catalog rule with a
// `grad` input, started from the state its framework starts from
// (Entry::initial_state); nesterov_lookahead, which needs the gradient at its
// look-ahead point, is driven through its gradient callback.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/json.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/reference/rules/nesterov_lookahead.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::cli {

namespace {

using catalog::Case;
using catalog::Entry;
using catalog::Json;

struct RunOptions {
  std::string rule;
  std::string preset;
  std::string spec = "{}";
  std::string objective;
  std::string start;
  std::string schedule;
  std::string line_search;
  std::int64_t steps = 1000;
  double tol = 0.0;
  int bits = static_cast<int>(default_bits);
  std::string format = "json";
  bool compact = false;
};

/// The points visited (theta_0 = the start), L at each, and why the run stopped.
struct Trajectory {
  std::vector<Array<Real>> theta;
  std::vector<Real> value;
  std::string reason;
};

Json read_json(const std::string& path, const char* field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInput("gradref run", field, "\"" + path + "\"", "a readable JSON file");
  return catalog::parse_json_exact(in);
}

Array<Real> at_precision(const Array<Real>& a) {
  return a.map<Real>([](const Real& x) { return at_working_precision(x); });
}

/// L and grad L at theta, from the objective case.
std::pair<Real, Array<Real>> evaluate(const Entry& objective, Case c, const Array<Real>& theta) {
  c.inputs.insert_or_assign("theta", theta);
  catalog::NamedArrays<Real> out = objective.reference(c);
  return {out.at("value")[0], std::move(out.at("gradient"))};
}

/// The learning rate of step k (0-based) from the schedule case, or none.
std::optional<Real> scheduled_lr(const std::optional<Case>& schedule, std::int64_t k) {
  if (!schedule) return std::nullopt;
  Case c = *schedule;
  c.inputs.insert_or_assign("t", Array<Real>(Shape{1}, std::vector<Real>{Real(k)}));
  return catalog::find(c.op).reference(c).at("eta")[0];
}

/// The step along d = -gradient chosen by the line search (exact on a quadratic,
/// or Armijo backtracking on the objective), from the objective case.
Real line_search_step(const std::string& kind, const Case& objective, const Array<Real>& theta,
                      const Array<Real>& gradient) {
  Case c{kind, Json::object(), {}};
  const Array<Real> direction = gradient.map<Real>([](const Real& x) { return Real(-x); });
  if (kind == "exact_line_search") {
    c.spec = catalog::find(kind).make_spec(Json::object(), "");
    c.inputs.emplace("A", objective.inputs.at("A"));
    c.inputs.emplace("b", objective.inputs.at("b"));
  } else {
    c.spec = catalog::find(kind).make_spec(objective.spec, "");  // the objective's kind and parameters
    for (const auto& [name, a] : objective.inputs)
      if (name != "theta") c.inputs.emplace(name, a);
  }
  c.inputs.insert_or_assign("theta", theta);
  c.inputs.insert_or_assign("direction", direction);
  return catalog::find(kind).reference(c).at("step")[0];
}

Trajectory run_at(const Entry& rule, const Json& spec, const Entry& objective, const Case& start, const RunOptions& o,
                  const std::optional<Case>& schedule, unsigned bits) {
  ScopedPrecision precision(bits);
  Case obj{start.op, start.spec, {}};
  for (const auto& [name, a] : start.inputs) obj.inputs.emplace(name, at_precision(a));
  Array<Real> theta = obj.inputs.at("theta");
  const Real tol = exact(o.tol);

  Trajectory t;
  const bool lookahead = rule.name == spec::NesterovLookahead::op;
  catalog::NamedArrays<Real> state =
      lookahead ? catalog::NamedArrays<Real>{{"velocity", Array<Real>(theta.shape(), Real(0))}}
                : rule.initial_state(spec, theta.shape());
  Real step(0);
  for (std::int64_t k = 0;; ++k) {
    auto [value, gradient] = evaluate(objective, obj, theta);
    t.theta.push_back(theta);
    t.value.push_back(value);
    if (k == o.steps) {
      t.reason = "steps";
      break;
    }
    // A scheduled lr or a line search's step enters the rule as the nearest double,
    // as in every framework (lr is a spec number, a Python float).
    Json step_spec = spec;
    if (const std::optional<Real> lr = scheduled_lr(schedule, k)) step_spec["lr"] = round_to_double(*lr);
    if (!o.line_search.empty())
      step_spec["lr"] = round_to_double(line_search_step(o.line_search, obj, theta, gradient));
    Array<Real> next;
    if (lookahead) {
      spec::NesterovLookahead s = catalog::spec_from_json<spec::NesterovLookahead>(step_spec, "");
      s.steps = 1;
      reference::RuleState<Real> st{theta, {state.at("velocity")}, {}, 0};
      reference::nesterov_lookahead<Real>(s, st, [&](const Array<Real>& x) { return evaluate(objective, obj, x).second; });
      next = st.param;
      state.at("velocity") = st.slots[0];
    } else {
      Case c{rule.name, step_spec, state};
      c.inputs.emplace("param", theta);
      c.inputs.emplace("grad", gradient);
      c.inputs.emplace("step", Array<Real>(Shape{}, std::vector<Real>{step}));
      catalog::NamedArrays<Real> out = rule.reference(c);
      next = out.at("param");
      step = out.at("step")[0];
      for (auto& [name, a] : state) a = out.at(name);
    }
    Real delta(0);
    for (std::int64_t i = 0; i < theta.size(); ++i) delta = std::max(delta, Real(abs(next[i] - theta[i])));
    theta = std::move(next);
    if (isnan(delta) || isinf(delta)) {
      t.theta.push_back(theta);
      t.value.push_back(evaluate(objective, obj, theta).first);
      t.reason = "non-finite";
      break;
    }
    if (o.tol > 0 && delta < tol) {
      t.theta.push_back(theta);
      t.value.push_back(evaluate(objective, obj, theta).first);
      t.reason = "tolerance";
      break;
    }
  }
  return t;
}

/// The objective: a case file (its theta is the start), or the name of a kind of the
/// objective op that takes no data (rosenbrock, coupled); --start sets or replaces theta.
Case objective_case(const RunOptions& o) {
  Json j;
  if (o.objective.ends_with(".json")) {
    j = read_json(o.objective, "--objective");
  } else {
    j = {{"op", "objective"}, {"spec", {{"kind", o.objective}}}, {"inputs", Json::object()}};
  }
  if (!o.start.empty()) {
    Json values = Json::array();
    std::stringstream in(o.start);
    for (std::string item; std::getline(in, item, ',');) values.push_back(item);
    j["inputs"]["theta"] = {{"shape", {values.size()}}, {"data", values}};
  }
  if (!j.contains("inputs") || !j["inputs"].contains("theta"))
    throw InvalidInput("gradref run", "--start", "missing", "a start point x,y,... (or a theta input in the objective case)");
  return catalog::case_from_json(j);
}

int run_run(const RunOptions& o) {
  if (o.bits < 64 || o.bits > (1 << 14))
    throw InvalidInput("gradref run", "--bits", std::to_string(o.bits), "an integer in [64, 16384]");
  if (o.steps < 0 || o.steps > 1000000)
    throw InvalidInput("gradref run", "--steps", std::to_string(o.steps), "an integer in [0, 1000000]");
  if (!(o.tol >= 0)) throw InvalidInput("gradref run", "--tol", spec::format_double(o.tol), "a number >= 0");
  const Entry& rule = catalog::find(o.rule);
  const bool takes_grad = std::any_of(rule.inputs.begin(), rule.inputs.end(), [](const auto& p) { return p.name == "grad"; });
  if (rule.kind != "rule" || (!takes_grad && rule.name != spec::NesterovLookahead::op))
    throw InvalidInput("gradref run", "--rule", o.rule, "an update rule (gradref ops lists them with kind rule)");
  Json given;
  try {
    given = Json::parse(o.spec);
  } catch (const std::exception&) {
    throw InvalidInput("gradref run", "--spec", o.spec, "a JSON object of the rule's spec fields");
  }
  const Json spec = rule.make_spec(given, o.preset);
  const Case start = objective_case(o);
  std::optional<Case> schedule;
  if (!o.schedule.empty()) {
    schedule = catalog::case_from_json(read_json(o.schedule, "--schedule"));
    if (catalog::find(schedule->op).kind != "schedule")
      throw InvalidInput("gradref run", "--schedule", schedule->op, "a case of a schedule op (gradref ops)");
  }
  if (!o.line_search.empty()) {
    if (!o.schedule.empty()) throw InvalidInput("gradref run", "--line-search", o.line_search, "no --schedule with it");
    if (rule.name != "sgd" || spec.at("momentum").get<double>() != 0.0)
      throw InvalidInput("gradref run", "--line-search", o.line_search,
                         "plain gradient descent (--rule sgd, momentum 0): the search is along -gradient");
  }
  const Entry& objective = catalog::find(start.op);
  if (!start.inputs.count("theta") || start.inputs.at("theta").rank() != 1)
    throw InvalidInput("gradref run", "--objective", start.op, "a case of an op with a vector input theta (the objective op)");

  const unsigned bits = static_cast<unsigned>(o.bits);
  const Trajectory low = run_at(rule, spec, objective, start, o, schedule, bits);
  const Trajectory high = run_at(rule, spec, objective, start, o, schedule, 2 * bits);
  if (low.theta.size() != high.theta.size())
    throw InvalidInput("gradref run", "--tol", spec::format_double(o.tol),
                       "a tolerance the run does not cross within rounding at " + std::to_string(bits) +
                           " bits (the p and 2p runs stopped at different steps; raise --bits)");
  ScopedPrecision precision(2 * bits);
  Json points = Json::array();
  if (o.format == "csv") {
    std::cout << "step";
    for (std::int64_t i = 0; i < high.theta.front().size(); ++i) std::cout << ",theta_" << i;
    std::cout << ",value\n";
  }
  for (std::size_t k = 0; k < high.theta.size(); ++k) {
    catalog::CertifiedArray theta{high.theta[k].shape(), {}}, value{Shape{}, {}};
    for (std::int64_t i = 0; i < high.theta[k].size(); ++i)
      theta.values.push_back(catalog::certify(low.theta[k][i], high.theta[k][i], bits));
    value.values.push_back(catalog::certify(low.value[k], high.value[k], bits));
    if (o.format == "csv") {
      std::cout << k;
      for (const auto& v : theta.values) std::cout << ',' << v.decimal;
      std::cout << ',' << value.values[0].decimal << '\n';
    } else {
      points.push_back({{"step", k}, {"theta", catalog::certified_to_json(theta)},
                        {"value", catalog::certified_to_json(value)}});
    }
  }
  if (o.format == "csv") return exit_ok;
  print_json({{"rule", rule.name},
              {"spec", spec},
              {"objective", start.op},
              {"objective_spec", start.spec},
              {"bits", bits},
              {"stop", {{"reason", high.reason}, {"steps", high.theta.size() - 1}, {"tol", o.tol}}},
              {"trajectory", std::move(points)}},
             o.compact);
  return exit_ok;
}

}  // namespace

Subcommand add_run(CLI::App& parent) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "run", "Drive an update rule on an objective in exact arithmetic; print the certified trajectory");
  cmd->add_option("--rule", o->rule, "update rule (gradref ops, kind rule)")->required();
  cmd->add_option("--objective", o->objective,
                  "case file of the objective op (its theta input is the start point; examples/objectives/), or a "
                  "kind without data: rosenbrock, coupled")
      ->required();
  cmd->add_option("--start", o->start, "start point x,y,... (exact decimals); replaces the objective case's theta");
  cmd->add_option("--schedule", o->schedule, "case file of a schedule op: step k (from 0) uses lr = eta at t = k");
  cmd->add_option("--line-search", o->line_search, "step size per iteration along -gradient (plain gradient descent)")
      ->check(CLI::IsMember({"exact_line_search", "armijo"}));
  cmd->add_option("--preset", o->preset, "the rule's preset (default: its first)");
  cmd->add_option("--spec", o->spec, "JSON object overriding the rule's spec fields, e.g. '{\"lr\": 0.02}'");
  cmd->add_option("--steps", o->steps, "at most this many steps")->capture_default_str();
  cmd->add_option("--tol", o->tol, "stop once max |delta theta| < tol (0: run all steps)")->capture_default_str();
  cmd->add_option("--bits", o->bits, "working precision p; the run is repeated at 2p to certify digits")
      ->capture_default_str();
  cmd->add_option("--format", o->format, "json or csv")->check(CLI::IsMember({"json", "csv"}))->capture_default_str();
  cmd->add_flag("--compact", o->compact, "print the JSON on one line");
  return {cmd, [o] { return run_run(*o); }};
}

}  // namespace gradref::cli
