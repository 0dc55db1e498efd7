#pragma once
// One case and one golden/candidate pair checked: every output the candidate
// gives, element by element (check.hpp), and for update rules over several
// gradients, the trajectory either free-running or resynchronized step by step.
//
// free:   the candidate's final outputs against the golden exact values and
//         bounds. The golden bound of a multi-step case is the error model's
//         bound for the whole run: the reference run on Tracked numbers through
//         every step, so it carries the growth of the error from step to step.
// resync: step k is checked on its own: a one-step case made of the golden case
//         with gradient row k and the state the candidate reported after step
//         k - 1 (the golden inputs for k = 0), its exact outputs (the reference
//         at 256 bits) and its one-step bound (Entry::error_bound), plus
//         |exact| 2^-128 as catalog::compare adds. An error then cannot hide
//         behind, or be blamed on, the steps before it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "verify/candidate_file.hpp"
#include "verify/check.hpp"
#include "verify/golden_file.hpp"

namespace gradref::cli::verify {

enum class TrajectoryMode {
  automatic,  ///< resync where the candidate gives a trajectory, free otherwise
  resync,
  free,
};

/// "auto", "resync" or "free"; throws InvalidInput("gradref", "--trajectory", ...).
TrajectoryMode trajectory_mode(const std::string& name);

enum class CaseStatus { passed, failed, skipped };
const char* status_name(CaseStatus s);

struct CaseCheck {
  std::size_t index = 0;
  CaseStatus status = CaseStatus::passed;
  std::string mode;  ///< "single" (an op without steps), "free" or "resync"
  std::string note;  ///< why skipped, or a failure without an element (no outputs, a state the reference refuses)
  std::vector<OutputCheck> outputs;    ///< resync: one per output and step
  std::vector<std::string> unchecked;  ///< golden outputs the candidate does not give
  double worst_ulps = 0;
  double worst_ratio = 0;
};

/// Checks case `index`. Throws InvalidInput when `mode` is resync and the
/// candidate gives no trajectory for a multi-step case.
CaseCheck check_case(const catalog::Entry& entry, const GoldenCase& golden, const CandidateCase& candidate,
                     const std::string& dtype, TrajectoryMode mode, std::size_t index);

struct SuiteCheck {
  std::string golden_path, candidate_path;
  std::string op, dtype, implementation;
  std::optional<std::string> preset;
  std::vector<CaseCheck> cases;
  std::int64_t passed = 0, failed = 0, skipped = 0;
  std::int64_t undecided = 0;  ///< elements the golden digits cannot decide (check.hpp); not failures
  double worst_ulps = 0;
  double worst_ratio = 0;
};

/// Every case of a golden file against the candidate for it (read_candidate has
/// checked that they belong together).
SuiteCheck check_suite(const GoldenFile& golden, const CandidateFile& candidate, TrajectoryMode mode);

}  // namespace gradref::cli::verify
