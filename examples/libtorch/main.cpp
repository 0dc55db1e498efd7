// gradref_libtorch_check GOLDEN CANDIDATE [GOLDEN CANDIDATE]...
//
// Reads gradref golden files (format "gradref-golden"), runs libtorch's C++ API on
// every case's inputs and writes what libtorch computed as a candidate file
// (format "gradref-candidate") for `gradref verify GOLDEN CANDIDATE`.
// Several pairs in one run load libtorch once.
//
// It also checks every element exactly (|libtorch - exact| <= bound, in
// gradref::Real) and explains those beyond the bound by the discrepancies expected
// of libtorch 1.13 (discrepancies.cpp). Beside CANDIDATE.json it writes
// CANDIDATE.explained.json: the same less each output whose failing elements are
// all explained, which `gradref verify` must pass. One summary line per file, then
// the explanation of each discrepancy met, on stdout; each unexplained element, and
// each case libtorch raised on, on stderr.
//
// Exit status: 0 when every failure is explained, 1 otherwise, 2 on bad input.
#include "discrepancies.hpp"
#include "libtorch_case.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>

namespace gradref_libtorch {
namespace {

using nlohmann::json;

/// A golden value: a JSON integer or a string (C99 hex float, "nan", "inf",
/// "-inf"), read exactly (strtod reads hex floats exactly).
double golden_value(const json& v) {
  if (v.is_number_integer()) return static_cast<double>(v.get<std::int64_t>());
  if (v.is_number()) return v.get<double>();
  const auto text = v.get<std::string>();
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') throw std::invalid_argument("not a number: \"" + text + "\"");
  return value;
}

Array golden_array(const json& a) {
  Array out{a.at("shape").get<std::vector<std::int64_t>>(), {}};
  for (const auto& v : a.at("data")) out.data.push_back(golden_value(v));
  return out;
}

Spec golden_spec(const json& s) {
  Spec out;
  for (const auto& [field, value] : s.items()) {
    if (value.is_string()) {
      out.choices[field] = value.get<std::string>();
    } else if (value.is_boolean()) {
      out.numbers[field] = value.get<bool>() ? 1.0 : 0.0;
    } else {
      out.numbers[field] = golden_value(value);
    }
  }
  return out;
}

/// A candidate value: the exact hex float of a double (a float32 value widened
/// is exact), or the names of the non-finite values.
json candidate_value(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char text[64];
  std::snprintf(text, sizeof text, "%a", v);
  return text;
}

json candidate_arrays(const Arrays& arrays) {
  json out = json::object();
  for (const auto& [name, a] : arrays) {
    json data = json::array();
    // Step counters are integer ports: written as JSON integers.
    for (double v : a.data) data.push_back(name == "step" ? json(static_cast<std::int64_t>(v)) : candidate_value(v));
    out[name] = {{"shape", a.shape}, {"data", data}};
  }
  return out;
}

/// What one golden file gave: the summary line of the report.
struct Summary {
  int cases = 0, skipped = 0, passed = 0, explained = 0, failed = 0;
  double worst_ulps = 0, worst_ratio = 0;
  std::set<std::string> explained_by;
};

std::string explained_path(const std::string& candidate_path) {
  const auto dot = candidate_path.rfind(".json");
  return (dot == std::string::npos ? candidate_path : candidate_path.substr(0, dot)) + ".explained.json";
}

void write_candidate(const std::string& path, const std::string& op, const std::string& dtype, const json& cases) {
  const json candidate = {{"format", "gradref-candidate"},
                          {"version", 1},
                          {"implementation", libtorch_implementation(op)},
                          {"op", op},
                          {"dtype", dtype},
                          {"cases", cases}};
  std::ofstream out(path);
  out << candidate.dump() << "\n";
  if (!out) throw std::runtime_error("cannot write " + path);
}

/// libtorch's outputs of one case as a candidate case, with the trajectory of a rule.
json candidate_case(const Outcome& o) {
  json entry = {{"outputs", candidate_arrays(o.outputs)}};
  if (!o.trajectory.empty()) {
    json steps = json::array();
    for (const auto& after : o.trajectory) steps.push_back(candidate_arrays(after));
    entry["trajectory"] = steps;
  }
  return entry;
}

/// Judges every output libtorch produced against the golden case (an output it
/// does not produce is unchecked), adding to the summary. Returns the outputs to
/// keep in the explained candidate: all but those whose failures are all explained.
Arrays judge_case(const json& golden_case, const Case& c, Dtype dtype, const Outcome& o, const std::string& where,
                  Summary& summary) {
  Arrays kept = o.outputs;
  bool failed = false, explained = false;
  for (const auto& [name, expected] : golden_case.at("outputs").items()) {
    const auto produced = o.outputs.find(name);
    if (produced == o.outputs.end()) continue;
    const GoldenOutput reference{expected.at("exact").get<std::vector<std::string>>(),
                                 expected.at("bound").get<std::vector<std::string>>()};
    const Verdict v = judge(c, dtype, name, reference, produced->second);
    summary.worst_ulps = std::max(summary.worst_ulps, v.worst_ulps);
    summary.worst_ratio = std::max(summary.worst_ratio, v.worst_ratio);
    if (v.failing == 0) continue;
    if (!v.unexplained.empty()) {
      failed = true;
      std::cerr << where << ": " << v.unexplained << "\n";
      continue;
    }
    explained = true;
    summary.explained_by.insert(v.explained_by.begin(), v.explained_by.end());
    kept.erase(name);
  }
  summary.failed += failed;
  summary.explained += !failed && explained;
  summary.passed += !failed && !explained;
  return kept;
}

/// Runs every case of one golden file and judges libtorch's outputs. Writes the
/// candidate and, beside it, the same less every output whose failing elements an
/// expected discrepancy explains (`gradref verify` must pass that one).
Summary check_file(const std::string& golden_path, const std::string& candidate_path) {
  std::ifstream in(golden_path);
  if (!in) throw std::invalid_argument("cannot read " + golden_path);
  const json golden = json::parse(in);
  if (golden.at("format") != "gradref-golden") throw std::invalid_argument(golden_path + " is not a gradref golden file");
  const auto dtype_name = golden.at("dtype").get<std::string>();
  if (dtype_name != "float32" && dtype_name != "float64") {
    throw std::invalid_argument(golden_path + ": dtype " + dtype_name + " is not float32 or float64");
  }
  const Dtype dtype = dtype_name == "float32" ? Dtype::float32 : Dtype::float64;
  const auto op = golden.at("op").get<std::string>();

  Summary summary;
  json cases = json::array(), explained_cases = json::array();
  for (const auto& g : golden.at("cases")) {
    const auto where = golden_path + ": case " + std::to_string(cases.size());
    Case c{g.at("op").get<std::string>(), golden_spec(g.at("spec")), {}};
    for (const auto& [name, a] : g.at("inputs").items()) c.inputs[name] = golden_array(a);
    Outcome o;
    try {
      o = run_libtorch(c, dtype);
    } catch (const std::exception& e) {
      std::cerr << where << ": libtorch raised: " << e.what() << "\n";
      cases.push_back({{"outputs", json::object()}});  // verify fails it too
      explained_cases.push_back(cases.back());
      ++summary.cases;
      ++summary.failed;
      continue;
    }
    if (!o.skipped.empty()) {
      cases.push_back({{"skipped", o.skipped}});
      explained_cases.push_back(cases.back());
      ++summary.skipped;
      continue;
    }
    ++summary.cases;
    const Arrays kept = judge_case(g, c, dtype, o, where, summary);
    cases.push_back(candidate_case(o));
    // The explained candidate drops the trajectory too: its last step holds the outputs left out.
    if (kept.size() == o.outputs.size()) {
      explained_cases.push_back(cases.back());
    } else if (kept.empty()) {
      explained_cases.push_back({{"skipped", "every output differs as expected (see gradref_libtorch_check)"}});
    } else {
      explained_cases.push_back({{"outputs", candidate_arrays(kept)}});
    }
  }
  write_candidate(candidate_path, op, dtype_name, cases);
  write_candidate(explained_path(candidate_path), op, dtype_name, explained_cases);
  return summary;
}

std::string file_label(const std::string& golden_path) {
  auto name = golden_path.substr(golden_path.find_last_of('/') + 1);
  const auto suffix = name.find(".golden.json");
  return suffix == std::string::npos ? name : name.substr(0, suffix);
}

void print_summary(const std::string& label, const Summary& s) {
  std::string names;
  for (const auto& n : s.explained_by) names += (names.empty() ? "expected: " : ", ") + n;
  std::printf("%-36s %5d %6d %9d %6d %7d %10.3g %11.3g  %s\n", label.c_str(), s.cases, s.passed, s.explained,
              s.failed, s.skipped, s.worst_ulps, s.worst_ratio, names.c_str());
}

}  // namespace
}  // namespace gradref_libtorch

int main(int argc, char** argv) {
  if (argc < 3 || argc % 2 == 0) {
    std::cerr << "usage: gradref_libtorch_check GOLDEN CANDIDATE [GOLDEN CANDIDATE]...\n";
    return 2;
  }
  try {
    int failed = 0;
    std::set<std::string> met;
    std::printf("%-36s %5s %6s %9s %6s %7s %10s %11s\n", "golden file", "cases", "passed", "explained", "failed",
                "skipped", "worst ulp", "worst ratio");
    for (int k = 1; k + 1 < argc; k += 2) {
      const auto summary = gradref_libtorch::check_file(argv[k], argv[k + 1]);
      gradref_libtorch::print_summary(gradref_libtorch::file_label(argv[k]), summary);
      failed += summary.failed;
      met.insert(summary.explained_by.begin(), summary.explained_by.end());
    }
    for (const auto& [name, why] : gradref_libtorch::expected_discrepancies()) {
      if (met.count(name) != 0) std::printf("\n%s: %s\n", name.c_str(), why.c_str());
    }
    std::fflush(stdout);
    return failed == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "gradref_libtorch_check: " << e.what() << "\n";
    return 2;
  }
}
