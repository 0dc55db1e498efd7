#pragma once
// The alternative readings of a golden file that `gradref verify --explain` tries:
// every preset of the op, and every single convention change (a flag toggled, a
// choice set to another of its values), each applied to every case.
#include <optional>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"

namespace gradref::cli::verify {

/// A set of spec fields given to every case, and what that does to each case's spec.
struct Alternative {
  std::string name;       ///< "preset tensorflow", "eps_placement = inside"
  bool preset = false;    ///< a preset (else a single convention change)
  catalog::Json changes;  ///< the fields it sets, with their values
  /// Per case: the case's spec with the changes, or none where that spec is invalid
  /// (the alternative is not applicable to the case).
  std::vector<std::optional<catalog::Json>> specs;
  /// Per changed field, the golden's values it replaces, over the cases the change
  /// applies to, in order of first appearance.
  catalog::Json replaced = catalog::Json::object();
  /// Other alternatives that give the same spec on every case (merged into this one).
  std::vector<std::string> same_as;

  /// "eps_placement = eps_hat (golden: outside)", one per changed field, ", "-joined.
  std::string describe_changes() const;
};

/// Whether the spec field is a convention (a flag or a choice an implementation may
/// get wrong), not a hyperparameter and not a choice of the function itself
/// (schedule family, activation function, which loss, target as indices or
/// probabilities: a candidate computing another function is not "another convention").
bool is_convention(const catalog::Field& field);

/// Every alternative for these cases (the golden file's, each with its complete spec):
/// the presets, then the single convention changes, in the op's field order. Left out:
/// those that change no case's spec (the presets among them are added to `unchanged`);
/// merged: those that give the same specs on every case, when they apply to some case
/// (the first keeps its name, the others go to its same_as).
std::vector<Alternative> alternatives(const catalog::Entry& entry, const std::vector<const catalog::Case*>& cases,
                                      std::vector<std::string>& unchanged);

}  // namespace gradref::cli::verify
