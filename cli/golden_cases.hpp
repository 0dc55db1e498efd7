#pragma once
// What `gradref golden` draws, shared with `gradref verify --explain` and the tests:
// the fields a preset fixes, a case given other field values (an update rule's state
// following its spec), and the certified cases themselves, deterministic for a seed.
#include <cstdint>
#include <optional>
#include <string>

#include "gradref/catalog/catalog.hpp"
#include "verify/golden_data.hpp"

namespace gradref::cli {

/// The fields on which the op's presets disagree, at `preset`'s values (what
/// choosing the preset fixes), and the fields of `fixed` at theirs; {} for neither.
/// Fields every preset leaves alike (hyperparameters, reductions) are not included
/// unless `fixed` names them. Throws InvalidInput on an unknown preset or field.
catalog::Json forced_fields(const catalog::Entry& entry, const std::string& preset, const catalog::Json& fixed);

/// Gives the case the forced fields. An update rule's state follows the spec: slots
/// the new spec drops are removed, slots it adds start where a framework starts
/// them (Entry::initial_state). False, and `c` unchanged, if the spec is then invalid.
bool force_fields(const catalog::Entry& entry, catalog::Case& c, const catalog::Json& forced);

/// Draws the cases of a golden file: draw k uses its own split of the seeded stream,
/// so the same seed gives the same cases.
class GoldenDrawer {
 public:
  GoldenDrawer(const catalog::Entry& entry, catalog::Dtype dtype, catalog::Json forced, std::uint64_t seed);
  /// The next valid case with the forced fields, inputs held exactly by the dtype and
  /// certified roundings; throws when the generator cannot produce one.
  verify::CertifiedCase next();
  /// Draws rejected so far (fields not forced, roundings not certified, ...).
  std::int64_t redrawn() const { return redrawn_; }

 private:
  std::optional<catalog::Case> draw();

  const catalog::Entry& entry_;
  catalog::Dtype dtype_;
  catalog::Json forced_;
  rc::Gen<catalog::Case> gen_;
  rc::Random root_;
  std::uint64_t draws_ = 0;
  std::int64_t redrawn_ = 0;
};

}  // namespace gradref::cli
