#pragma once
// `gradref verify --explain`: when a candidate fails under the golden file's specs,
// which other conventions it matches. Every alternative (explain_alternatives.hpp)
// is evaluated on the cases: the reference at 256 bits under the alternative's spec,
// the error model's bound for the dtype, and the candidate's outputs compared with
// them as verify compares them with the golden's. An alternative matches when every
// case the candidate did not skip passes under it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "verify/candidate_file.hpp"
#include "verify/case_check.hpp"
#include "verify/explain_alternatives.hpp"
#include "verify/golden_file.hpp"

namespace gradref::cli::verify {

/// A golden case read under an alternative's fields, as an implementation of those
/// conventions runs it: the spec changed and the state following it (force_fields:
/// slots the new spec does not use dropped, new ones started as a framework starts
/// them), except that a slot the change only renames (SGD's momentum_buffer ->
/// velocity) keeps the golden's values, which such an implementation reads as its
/// own state. Its outputs compare with the candidate's under the golden's names:
/// `golden_name` maps a renamed output to the golden's name for it.
struct AlternativeCase {
  catalog::Case c;
  std::map<std::string, std::string> golden_name;
};
/// None where the changed spec is invalid.
std::optional<AlternativeCase> alternative_case(const catalog::Entry& entry, const catalog::Case& golden,
                                                const catalog::Json& changes);

/// One golden case and what the candidate gave for it.
struct ExplainCase {
  const catalog::Case* golden = nullptr;                        ///< spec and inputs
  const catalog::NamedArrays<double>* candidate = nullptr;  ///< its outputs; nullptr: skipped
};

/// The first case on which an alternative fails, and why.
struct AlternativeFailure {
  std::int64_t case_index = 0;
  std::string output;  ///< the worst output ("" when the candidate gave none the alternative produces)
  double ratio = 0;    ///< its worst |candidate - exact| / bound
};

struct AlternativeResult {
  Alternative alternative;
  std::int64_t passed = 0;
  std::int64_t failed = 0;
  std::int64_t not_applicable = 0;  ///< cases whose spec or inputs the alternative makes invalid
  std::int64_t unevaluated = 0;     ///< cases left after the first failure (ExplainOptions::complete false)
  double worst_ratio = 0;           ///< over the evaluated applicable cases
  std::optional<AlternativeFailure> first_failure;
  bool matches = false;             ///< every case the candidate did not skip passes
};

struct ExplainOptions {
  /// Evaluate every alternative on every case (exact counts for the report); false:
  /// stop an alternative at its first failing or inapplicable case (what matches is
  /// the same, the counts of those that do not are partial).
  bool complete = true;
};

struct Explanation {
  std::int64_t cases = 0;
  std::int64_t skipped = 0;                  ///< by the candidate
  std::vector<AlternativeResult> results;    ///< matches first, then the nearest: most cases passed, smallest ratio
  std::vector<std::string> same_as_golden;   ///< presets whose conventions every case already has
  std::int64_t evaluations = 0;              ///< reference evaluations made
  double seconds = 0;

  std::vector<const AlternativeResult*> matching() const;
  /// Up to `count` alternatives that do not match, nearest first (applicable somewhere).
  std::vector<const AlternativeResult*> nearest(std::size_t count) const;
};

Explanation explain(const catalog::Entry& entry, catalog::Dtype dtype, const std::vector<ExplainCase>& cases,
                    const ExplainOptions& options = {});

/// The explanation for people: what the candidate matches, and the nearest that do not.
/// `golden_specs` names the golden's specs ("preset pytorch").
std::string explain_text(const Explanation& e, const std::string& op, catalog::Dtype dtype,
                         const std::string& golden_specs);

/// The "explain" member of verify's --json report: every alternative, matched or not.
catalog::Json explain_json(const Explanation& e);

/// `gradref verify --explain` for one golden/candidate pair verify has checked:
/// the text printed after verify's report, and the suite's "explain" JSON member.
/// A suite that passes has nothing to explain, and says so.
struct SuiteExplanation {
  std::string text;
  catalog::Json json;
};
SuiteExplanation explain_suite(const GoldenFile& golden, const CandidateFile& candidate, const SuiteCheck& check);

}  // namespace gradref::cli::verify
