// gradref verify: another implementation's outputs (a candidate file) checked
// against golden files, element by element, exactly (docs/verify.md).
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "gradref/spec/errors.hpp"
#include "verify/candidate_file.hpp"
#include "verify/case_check.hpp"
#include "verify/explain.hpp"
#include "verify/golden_file.hpp"
#include "verify/report.hpp"

namespace gradref::cli {

namespace {

struct VerifyOptions {
  std::vector<std::string> files;  ///< GOLDEN CANDIDATE [GOLDEN CANDIDATE ...]
  std::string report;              ///< JUnit XML path
  bool json = false;
  bool verbose = false;
  bool explain = false;
  std::string trajectory = "auto";
};

void write_report(const std::string& path, const std::string& xml) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw InvalidInput("gradref", "--report", "\"" + path + "\"", "a file path that can be written");
  out << xml;
  if (!out.flush()) throw InvalidInput("gradref", "--report", "\"" + path + "\"", "a file path that can be written");
}

int run_verify(const VerifyOptions& o) {
  if (o.files.size() < 2 || o.files.size() % 2 != 0)
    throw InvalidInput("gradref", "FILES", std::to_string(o.files.size()) + " files",
                       "pairs of files: GOLDEN CANDIDATE [GOLDEN CANDIDATE ...]");
  const verify::TrajectoryMode mode = verify::trajectory_mode(o.trajectory);
  // Every file is read and validated before anything is checked: bad input
  // anywhere is exit 2, never a partial report.
  std::vector<verify::GoldenFile> goldens;
  std::vector<verify::CandidateFile> candidates;
  for (std::size_t i = 0; i < o.files.size(); i += 2) {
    goldens.push_back(verify::read_golden(o.files[i]));
    candidates.push_back(verify::read_candidate(o.files[i + 1], goldens.back()));
  }
  std::vector<verify::SuiteCheck> suites;
  for (std::size_t k = 0; k < goldens.size(); ++k) {
    suites.push_back(verify::check_suite(goldens[k], candidates[k], mode));
    suites.back().golden_path = o.files[2 * k];
    suites.back().candidate_path = o.files[2 * k + 1];
  }

  // --explain: for the suites that fail, which presets and single convention
  // changes the candidate matches instead (verify/explain.hpp).
  std::vector<verify::SuiteExplanation> explanations;
  if (o.explain)
    for (std::size_t k = 0; k < suites.size(); ++k)
      explanations.push_back(verify::explain_suite(goldens[k], candidates[k], suites[k]));

  bool passed = true;
  for (const verify::SuiteCheck& s : suites) passed = passed && s.failed == 0;
  if (!o.report.empty()) write_report(o.report, verify::junit_report(suites));
  if (o.json) {
    catalog::Json j = verify::json_report(suites);
    for (std::size_t k = 0; k < explanations.size(); ++k) j["suites"][k]["explain"] = explanations[k].json;
    print_json(j);
  } else {
    std::cout << verify::text_report(suites, o.verbose);
    for (const verify::SuiteExplanation& e : explanations) std::cout << e.text;
  }
  return passed ? exit_ok : exit_check_failed;
}

}  // namespace

Subcommand add_verify(CLI::App& parent) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "verify", "Check another implementation's outputs (a candidate file) against golden files, exactly");
  cmd->add_option("FILES", options->files,
                  "GOLDEN CANDIDATE [GOLDEN CANDIDATE ...]: golden files (gradref golden, JSON or .npz) each "
                  "followed by the candidate file for it (JSON or .npz)")
      ->required();
  cmd->add_option("--report", options->report, "also write a JUnit XML report to FILE");
  cmd->add_flag("--json", options->json, "print the report as one JSON document instead of text");
  cmd->add_option("--trajectory", options->trajectory,
                  "update rules over several gradients: resync (step by step from the candidate's own state; needs "
                  "its trajectory), free (final outputs against the whole run's bound), auto (resync where a "
                  "trajectory is given)")
      ->capture_default_str();
  cmd->add_flag("--verbose", options->verbose, "show every case and output, passing ones too");
  cmd->add_flag("--explain", options->explain,
                "where a candidate fails: which presets and single convention changes (eps placement, bias "
                "correction, ...) it matches instead, and the nearest it does not");
  cmd->footer(
      "Exit code: 0 every case passes (skipped cases are not failures), 1 some case fails, 2 bad input.\n"
      "Formats: docs/verify.md, docs/formats/candidate.md.");
  return {cmd, [options] { return run_verify(*options); }};
}

}  // namespace gradref::cli
