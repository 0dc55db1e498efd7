#pragma once
// A candidate file (docs/formats/candidate.md): another implementation's outputs
// for the cases of a golden file, as JSON or .npz, validated against that golden
// file before anything is compared.
#include <optional>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "verify/golden_file.hpp"

namespace gradref::cli::verify {

struct CandidateCase {
  std::optional<std::string> skipped;  ///< the implementation cannot express the case: why
  catalog::NamedArrays<double> outputs;
  /// Update rules only: the outputs after each step (empty when not given).
  std::vector<catalog::NamedArrays<double>> trajectory;
};

struct CandidateFile {
  std::string op, dtype, implementation;
  std::vector<CandidateCase> cases;
};

/// Reads `path` (JSON, or .npz when it starts like a zip). Requires the golden's
/// op and dtype, as many cases, only output names the golden case has, its
/// shapes, values of the dtype (integers for integer outputs) and, for a
/// trajectory, one entry per step of an update rule's case. Throws
/// InvalidInput("gradref", field, ...) with field naming the place, e.g.
/// "cases[3].outputs.param.data[2]".
CandidateFile read_candidate(const std::string& path, const GoldenFile& golden);

/// The same from the bytes of the file.
CandidateFile parse_candidate(const std::string& bytes, const GoldenFile& golden);

/// Number of steps of a golden case of an update rule that takes a stacked
/// gradient (grad [steps, *param]); 0 for any other op (no trajectory).
std::int64_t steps_of(const catalog::Entry& entry, const catalog::Case& c);

}  // namespace gradref::cli::verify
