#include "verify/case_check.hpp"

#include <algorithm>
#include <utility>

#include "gradref/catalog/evaluate.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::cli::verify {

namespace {

using catalog::NamedArrays;

catalog::Dtype catalog_dtype(const std::string& dtype) {
  for (catalog::Dtype d : {catalog::Dtype::float32, catalog::Dtype::float64, catalog::Dtype::bfloat16})
    if (dtype == catalog::dtype_name(d)) return d;
  throw InvalidInput("gradref", "dtype", "\"" + dtype + "\"",
                     "float32, float64 or bfloat16: a dtype with error models (a resynchronized trajectory needs one)");
}

double rounded_to(const Real& x, catalog::Dtype dtype) {
  switch (dtype) {
    case catalog::Dtype::float32: return static_cast<double>(round_to_float(x));
    case catalog::Dtype::bfloat16: return static_cast<double>(round_to_bfloat16(x));
    case catalog::Dtype::float64: break;
  }
  return round_to_double(x);
}

void add(CaseCheck& out, OutputCheck check) {
  out.worst_ulps = std::max(out.worst_ulps, check.worst_ulps);
  if (check.worst) out.worst_ratio = std::max(out.worst_ratio, check.worst->ratio);
  if (!check.passed()) out.status = CaseStatus::failed;
  out.outputs.push_back(std::move(check));
}

void note_unchecked(CaseCheck& out, const std::string& name) {
  if (std::find(out.unchecked.begin(), out.unchecked.end(), name) == out.unchecked.end()) out.unchecked.push_back(name);
}

/// A candidate built in memory (a test's, --explain's) may give an output another
/// shape than the golden's (files are refused earlier): the case fails, saying so.
bool shape_differs(CaseCheck& out, const std::string& name, const GoldenOutput& expected, const Array<double>& got) {
  if (got.shape() == expected.shape) return false;
  out.status = CaseStatus::failed;
  out.note += (out.note.empty() ? "" : "; ") + name + " has shape " + shape_text(got.shape()) + ", the golden " +
              shape_text(expected.shape);
  return true;
}

/// The candidate's outputs against the golden case's.
void check_final(const GoldenCase& golden, const NamedArrays<double>& outputs, const std::string& dtype,
                 CaseCheck& out) {
  for (const auto& [name, expected] : golden.outputs) {
    const auto it = outputs.find(name);
    if (it == outputs.end()) {
      note_unchecked(out, name);
      continue;
    }
    if (shape_differs(out, name, expected, it->second)) continue;
    const bool in_double = catalog::held_in_double(catalog::find(golden.c.op).outputs, name);
    add(out, check_output(name, expected, it->second, in_double ? "float64" : dtype));
  }
}

/// Golden outputs for one step computed here: the reference at 256 bits and the
/// one-step error model, with the slack catalog::compare adds.
std::vector<std::pair<std::string, GoldenOutput>> one_step_golden(const catalog::Entry& entry, const catalog::Case& c,
                                                                  catalog::Dtype dtype, const GoldenCase& golden,
                                                                  NamedArrays<Real>& exact_out) {
  exact_out = catalog::evaluate_at(entry, c, default_bits);
  const NamedArrays<Real> model = entry.error_bound(c, dtype);
  ScopedPrecision precision(default_bits);
  const Real slack = pow(Real(2), -static_cast<int>(default_bits / 2));
  std::vector<std::pair<std::string, GoldenOutput>> out;
  for (const auto& [name, unused] : golden.outputs) {
    const auto x = exact_out.find(name);
    const auto b = model.find(name);
    if (x == exact_out.end() || b == model.end()) continue;
    GoldenOutput g;
    g.shape = x->second.shape();
    for (std::int64_t i = 0; i < x->second.size(); ++i) {
      const Real& v = x->second[i];
      g.exact.push_back(v);
      g.exact_text.push_back(to_decimal(v, full_digits));
      g.digits.push_back(isnan(v) ? 0 : full_digits);
      g.rounded.push_back(rounded_to(v, dtype));
      g.bound.push_back(isnan(v) || isinf(v) ? b->second[i] : b->second[i] + abs(v) * slack);
    }
    out.emplace_back(name, std::move(g));
  }
  return out;
}

void check_resync(const catalog::Entry& entry, const GoldenCase& golden, const CandidateCase& candidate,
                  const std::string& dtype_name, CaseCheck& out) {
  const catalog::Dtype dtype = catalog_dtype(dtype_name);
  const catalog::Case& g = golden.c;
  const Array<Real>& grad = g.inputs.at("grad");
  const Shape& param_shape = g.inputs.at("param").shape();
  const std::int64_t n = element_count(param_shape);
  const Real step0 = g.inputs.at("step")[0];
  NamedArrays<Real> state = g.inputs;  // every input but grad and step is state that an output updates
  state.erase("grad");
  state.erase("step");
  for (std::size_t k = 0; k < candidate.trajectory.size(); ++k) {
    const std::int64_t row = static_cast<std::int64_t>(k);
    catalog::Case one{g.op, g.spec, state};
    std::vector<Real> g_row(grad.values().begin() + row * n, grad.values().begin() + (row + 1) * n);
    one.inputs.emplace("grad", Array<Real>(param_shape, std::move(g_row)));
    one.inputs.emplace("step", Array<Real>(Shape{}, std::vector<Real>{step0 + row}));
    NamedArrays<Real> exact_outputs;
    std::vector<std::pair<std::string, GoldenOutput>> expected;
    try {
      expected = one_step_golden(entry, one, dtype, golden, exact_outputs);
    } catch (const InvalidInput& e) {
      out.status = CaseStatus::failed;
      out.note = "step " + std::to_string(k) + ": the reference refuses the state the candidate reported after step " +
                 std::to_string(k - 1) + ": " + e.what();
      return;
    }
    const NamedArrays<double>& reported = candidate.trajectory[k];
    for (const auto& [name, golden_output] : expected) {
      const auto it = reported.find(name);
      if (it == reported.end()) {
        note_unchecked(out, name);
        continue;
      }
      if (shape_differs(out, name, golden_output, it->second)) continue;
      OutputCheck check = check_output(name, golden_output, it->second, dtype_name);
      check.step = row;
      add(out, std::move(check));
    }
    // The next step starts from the candidate's state; state it does not report
    // continues from the reference's, rounded to the dtype as a kernel holds it.
    for (auto& [name, value] : state) {
      const auto it = reported.find(name);
      if (it != reported.end())
        value = it->second.map<Real>([](double x) { return exact(x); });
      else if (exact_outputs.contains(name))
        value = exact_outputs.at(name).map<Real>([dtype](const Real& x) { return exact(rounded_to(x, dtype)); });
    }
  }
}

}  // namespace

TrajectoryMode trajectory_mode(const std::string& name) {
  if (name == "auto") return TrajectoryMode::automatic;
  if (name == "resync") return TrajectoryMode::resync;
  if (name == "free") return TrajectoryMode::free;
  throw InvalidInput("gradref", "--trajectory", name, "auto, resync or free");
}

const char* status_name(CaseStatus s) {
  switch (s) {
    case CaseStatus::passed: return "passed";
    case CaseStatus::failed: return "failed";
    case CaseStatus::skipped: return "skipped";
  }
  return "?";
}

CaseCheck check_case(const catalog::Entry& entry, const GoldenCase& golden, const CandidateCase& candidate,
                     const std::string& dtype, TrajectoryMode mode, std::size_t index) {
  CaseCheck out;
  out.index = index;
  const std::int64_t steps = steps_of(entry, golden.c);
  const bool resync =
      steps > 0 && (mode == TrajectoryMode::resync || (mode == TrajectoryMode::automatic && !candidate.trajectory.empty()));
  out.mode = steps == 0 ? "single" : resync ? "resync" : "free";
  if (candidate.skipped) {
    out.status = CaseStatus::skipped;
    out.note = *candidate.skipped;
    return out;
  }
  if (resync) {
    if (static_cast<std::int64_t>(candidate.trajectory.size()) != steps)
      throw InvalidInput("gradref", "cases[" + std::to_string(index) + "].trajectory",
                         candidate.trajectory.empty() ? "missing" : std::to_string(candidate.trajectory.size()) + " steps",
                         std::to_string(steps) + " entries, the outputs after each step (--trajectory resync needs them)");
    check_resync(entry, golden, candidate, dtype, out);
    return out;
  }
  const NamedArrays<double>& outputs =
      candidate.outputs.empty() && !candidate.trajectory.empty() ? candidate.trajectory.back() : candidate.outputs;
  if (outputs.empty()) {
    out.status = CaseStatus::failed;
    out.note = "the candidate gives no output for this case (and does not skip it)";
    return out;
  }
  check_final(golden, outputs, dtype, out);
  return out;
}

SuiteCheck check_suite(const GoldenFile& golden, const CandidateFile& candidate, TrajectoryMode mode) {
  const catalog::Entry& entry = catalog::find(golden.op);
  SuiteCheck out;
  out.op = golden.op;
  out.dtype = golden.dtype;
  out.preset = golden.preset;
  out.implementation = candidate.implementation;
  for (std::size_t k = 0; k < golden.cases.size(); ++k) {
    CaseCheck c = check_case(entry, golden.cases[k], candidate.cases.at(k), golden.dtype, mode, k);
    (c.status == CaseStatus::passed ? out.passed : c.status == CaseStatus::failed ? out.failed : out.skipped) += 1;
    out.worst_ulps = std::max(out.worst_ulps, c.worst_ulps);
    out.worst_ratio = std::max(out.worst_ratio, c.worst_ratio);
    for (const OutputCheck& o : c.outputs) out.undecided += o.undecided;
    out.cases.push_back(std::move(c));
  }
  return out;
}

}  // namespace gradref::cli::verify
