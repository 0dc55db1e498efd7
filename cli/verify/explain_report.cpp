// The explanation as text for people and as the "explain" member of --json.
#include <cmath>
#include <cstdio>
#include <string>

#include "gradref/spec/errors.hpp"
#include "verify/explain.hpp"

namespace gradref::cli::verify {

namespace {

using catalog::Json;

/// "preset tensorflow: eps_placement = eps_hat (golden: outside)", or the change itself;
/// presets giving the same specs are named too ("preset pytorch / preset textbook: ...").
std::string label(const Alternative& a) {
  const std::string changes = a.describe_changes();
  if (!a.preset) return changes;
  std::string names = a.name;
  for (const std::string& other : a.same_as)
    if (other.rfind("preset ", 0) == 0) names += " / " + other;
  return changes.empty() ? names : names + ": " + changes;
}

std::string ratio_text(double r) {
  if (std::isinf(r)) return "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", r);
  return buf;
}

Json ratio_json(double r) { return std::isinf(r) ? Json("inf") : Json(r); }

/// What the golden file's specs are: its preset, the fields it fixed, or neither.
std::string golden_specs(const GoldenFile& golden) {
  if (golden.preset) return "preset " + *golden.preset;
  if (!golden.forced.empty()) return "fields " + golden.forced.dump();
  return "specs drawn across the presets";
}

catalog::Dtype explained_dtype(const std::string& dtype) {
  for (catalog::Dtype d : {catalog::Dtype::float32, catalog::Dtype::float64, catalog::Dtype::bfloat16})
    if (dtype == catalog::dtype_name(d)) return d;
  throw InvalidInput("gradref", "--explain", "\"" + dtype + "\"",
                     "a golden file in float32, float64 or bfloat16 (the error models' dtypes)");
}

std::string counts(const AlternativeResult& r, std::int64_t considered) {
  std::string out = std::to_string(r.passed) + "/" + std::to_string(considered) + " cases pass";
  if (r.not_applicable > 0) out += ", " + std::to_string(r.not_applicable) + " not applicable";
  if (r.unevaluated > 0) out += ", " + std::to_string(r.unevaluated) + " not evaluated";
  out += ", worst error/bound " + ratio_text(r.worst_ratio);
  if (r.first_failure)
    out += " (first failure: case " + std::to_string(r.first_failure->case_index) +
           (r.first_failure->output.empty() ? ", no output in common" : ", " + r.first_failure->output) + ")";
  return out;
}

}  // namespace

std::string explain_text(const Explanation& e, const std::string& op, catalog::Dtype dtype,
                         const std::string& golden_specs) {
  const std::int64_t considered = e.cases - e.skipped;
  std::string out = "explain: " + op + " " + catalog::dtype_name(dtype) +
                    ": the candidate fails under the golden file's specs (" + golden_specs + ")";
  const std::vector<const AlternativeResult*> matching = e.matching();
  if (matching.empty()) {
    out += "; it matches none of the " + std::to_string(e.results.size()) +
           " alternatives (every preset and every single convention change).\n";
  } else {
    out += e.skipped > 0 ? "; on the " + std::to_string(considered) + " cases it does not skip, it matches:\n"
                         : "; it matches:\n";
    for (const AlternativeResult* r : matching) out += "  " + label(r->alternative) + "\n";
  }
  const std::vector<const AlternativeResult*> nearest = e.nearest(matching.empty() ? 5 : 3);
  if (!nearest.empty()) {
    out += "Nearest that do not match:\n";
    for (const AlternativeResult* r : nearest) out += "  " + label(r->alternative) + ": " + counts(*r, considered) + "\n";
  }
  std::string inapplicable;
  for (const AlternativeResult& r : e.results)
    if (r.passed + r.failed == 0 && r.unevaluated == 0) inapplicable += (inapplicable.empty() ? "" : "; ") + label(r.alternative);
  if (!inapplicable.empty()) out += "Not applicable to any case: " + inapplicable + "\n";
  if (!e.same_as_golden.empty()) {
    std::string names;
    for (const std::string& n : e.same_as_golden) names += (names.empty() ? "" : ", ") + n;
    out += "Same conventions as the golden file on every case: " + names + "\n";
  }
  char timing[96];
  std::snprintf(timing, sizeof timing, "(%zu alternatives, %lld evaluations, %.2f s)\n", e.results.size(),
                static_cast<long long>(e.evaluations), e.seconds);
  return out + timing;
}

Json explain_json(const Explanation& e) {
  Json alternatives = Json::array(), matching = Json::array();
  for (const AlternativeResult& r : e.results) {
    const Alternative& a = r.alternative;
    Json failure = nullptr;
    if (r.first_failure)
      failure = {{"case", r.first_failure->case_index},
                 {"output", r.first_failure->output.empty() ? Json(nullptr) : Json(r.first_failure->output)},
                 {"ratio", ratio_json(r.first_failure->ratio)}};
    alternatives.push_back({{"name", a.name},
                            {"kind", a.preset ? "preset" : "change"},
                            {"label", label(a)},
                            {"changes", a.changes},
                            {"replaced", a.replaced},
                            {"same_as", a.same_as},
                            {"matches", r.matches},
                            {"passed", r.passed},
                            {"failed", r.failed},
                            {"not_applicable", r.not_applicable},
                            {"unevaluated", r.unevaluated},
                            {"worst_ratio", ratio_json(r.worst_ratio)},
                            {"first_failure", std::move(failure)}});
    if (r.matches) matching.push_back(a.name);
  }
  return {{"cases", e.cases},         {"skipped", e.skipped},         {"matching", std::move(matching)},
          {"alternatives", std::move(alternatives)}, {"same_as_golden", e.same_as_golden},
          {"evaluations", e.evaluations}, {"seconds", e.seconds}};
}

SuiteExplanation explain_suite(const GoldenFile& golden, const CandidateFile& candidate, const SuiteCheck& check) {
  const std::string specs = golden_specs(golden);
  if (check.failed == 0)
    return {"explain: " + golden.op + " " + golden.dtype + ": the candidate passes under the golden file's specs (" +
                specs + "): nothing to explain.\n",
            {{"candidate_fails", false}, {"golden_specs", specs}}};
  const catalog::Entry& entry = catalog::find(golden.op);
  const catalog::Dtype dtype = explained_dtype(golden.dtype);
  std::vector<ExplainCase> cases;
  for (std::size_t k = 0; k < golden.cases.size(); ++k)
    cases.push_back({&golden.cases[k].c, candidate.cases[k].skipped ? nullptr : &candidate.cases[k].outputs});
  const Explanation e = explain(entry, dtype, cases);
  Json j = explain_json(e);
  j["candidate_fails"] = true;
  j["golden_specs"] = specs;
  return {explain_text(e, golden.op, dtype, specs), std::move(j)};
}

}  // namespace gradref::cli::verify
