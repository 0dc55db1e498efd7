// generator_for: the cases of an entry in a dtype. The entries' generators are
// written for float32 and float64; bfloat16 cases are derived centrally from the
// float32 ones, so no entry needs a third branch of hard cases.
#include <cmath>
#include <optional>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::catalog {

namespace {

bool integer_input(const Entry& entry, const std::string& name) {
  for (const Port& p : entry.inputs)
    if (port_matches(p, name)) return p.integer;
  return false;
}

/// The case with every non-integer input rounded to bfloat16; nothing when a
/// finite input overflows (the case would not be the one drawn) or the op refuses
/// the rounded inputs (a rounded direction that no longer descends, a rounded
/// shape-dependent constraint).
std::optional<Case> rounded_to_bfloat16(const Entry& entry, Case c) {
  for (auto& [name, array] : c.inputs) {
    if (integer_input(entry, name)) continue;
    bool overflow = false;
    array = array.map<Real>([&overflow](const Real& x) {
      if (isnan(x) || isinf(x)) return x;
      const float r = round_to_bfloat16(x);
      overflow = overflow || std::isinf(r);
      return exact(static_cast<double>(r));
    });
    if (overflow) return std::nullopt;
  }
  try {
    evaluate_at(entry, c, default_bits);
  } catch (const InvalidInput&) {
    return std::nullopt;
  }
  return c;
}

}  // namespace

rc::Gen<Case> generator_for(const Entry& entry, Dtype dtype) {
  if (dtype != Dtype::bfloat16) return entry.generator(dtype);
  const Entry* e = &entry;
  const auto drawn = rc::gen::map(entry.generator(Dtype::float32),
                                  [e](const Case& c) { return rounded_to_bfloat16(*e, c); });
  return rc::gen::map(rc::gen::suchThat(drawn, [](const std::optional<Case>& c) { return c.has_value(); }),
                      [](const std::optional<Case>& c) { return *c; });
}

}  // namespace gradref::catalog
