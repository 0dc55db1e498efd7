#pragma once
// What `gradref golden` draws, shared with `gradref verify --explain` and its tests:
// the fields a preset fixes, a case given other field values (an update rule's state
// following its spec), the bound every golden output carries, and the certified
// cases themselves, deterministic for a seed.
#include <cstdint>
#include <optional>
#include <string>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"

namespace gradref::cli {

// Significant digits of the exact values a golden file holds (and certifies): a
// 40-digit decimal is within 5e-40 |x| of x, inside the 2^-128 |x| (2.9e-39 |x|)
// each bound carries for the reference's own rounding, so comparing with the
// decimal stays sound; the 77 digits that 256 bits certify would double the size
// of a file.
inline constexpr int golden_digits = 40;

/// A drawn case with its certified reference outputs and their bounds.
struct CertifiedCase {
  catalog::Case c;
  catalog::CertifiedOutputs outputs;
  catalog::NamedArrays<Real> bounds;  ///< per output: the error model's bound plus the reference's own slack
};

/// The fields on which the op's presets disagree, at `preset`'s values (what
/// choosing the preset fixes), and the fields of `fixed` at theirs; {} for neither.
/// Fields every preset leaves alike (hyperparameters, reductions) are not included
/// unless `fixed` names them. Throws InvalidInput on an unknown preset or field.
catalog::Json forced_fields(const catalog::Entry& entry, const std::string& preset, const catalog::Json& fixed);

/// Gives the case the forced fields. An update rule's state follows the spec: slots
/// the new spec drops are removed, slots it adds start where a framework starts
/// them (Entry::initial_state). False, and `c` unchanged, if the spec is then invalid.
bool force_fields(const catalog::Entry& entry, catalog::Case& c, const catalog::Json& forced);

/// An output's error-model bound widened by the reference's own rounding at
/// default_bits, |exact| 2^-128 (as catalog::compare adds); call it at default_bits.
Real with_reference_slack(const Real& bound, const Real& exact);

/// Draws the cases of a golden file: draw k uses its own split of the seeded stream,
/// so the same seed gives the same cases.
class GoldenDrawer {
 public:
  GoldenDrawer(const catalog::Entry& entry, catalog::Dtype dtype, catalog::Json forced, std::uint64_t seed);
  /// The next valid case with the forced fields, inputs held exactly by the dtype and
  /// certified roundings; throws when the generator cannot produce one.
  CertifiedCase next();
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
