#include "golden_cases.hpp"

#include <stdexcept>
#include <utility>

#include "gradref/catalog/support.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::cli {

namespace {

using catalog::Case;
using catalog::Dtype;
using catalog::Entry;
using catalog::Json;
using catalog::NamedArrays;

// Draws per case that may be rejected for not having the forced fields' values
// before a draw is given those values instead; then draws that may fail to take them.
constexpr int matching_draws = 100;
constexpr int forced_draws = 100;
// Draws on which the generator gives up (a suchThat it cannot satisfy).
constexpr int failed_draws = 100;
// Draws rejected because p = 4096 bits cannot certify the rounding of an output.
constexpr int uncertified_draws = 20;

bool has_fields(const Json& spec, const Json& forced) {
  for (const auto& item : forced.items())
    if (!spec.contains(item.key()) || spec.at(item.key()) != item.value()) return false;
  return true;
}

/// Every non-integer input holds values of `dtype`.
bool representable(const Entry& entry, const Case& c, Dtype dtype) {
  for (const auto& [name, array] : c.inputs) {
    bool integer = false;
    for (const catalog::Port& p : entry.inputs) integer = integer || (catalog::port_matches(p, name) && p.integer);
    if (integer) continue;
    for (const Real& x : array.values()) {
      if (isnan(x) || isinf(x)) continue;
      if (rounded_to(x, catalog::format_of(dtype)) != x) return false;
    }
  }
  return true;
}

}  // namespace

Json forced_fields(const Entry& entry, const std::string& preset, const Json& fixed) {
  Json forced = Json::object();
  if (!preset.empty()) {
    const Json chosen = entry.make_spec(Json::object(), preset);  // throws on an unknown preset
    for (const auto& item : chosen.items())
      for (const catalog::Preset& other : entry.presets)
        if (entry.make_spec(Json::object(), other.name)[item.key()] != item.value()) {
          forced[item.key()] = item.value();
          break;
        }
  }
  if (!fixed.empty()) {
    // Validated (unknown fields, bad values) and in the spec's own JSON form.
    const Json spec = entry.make_spec(fixed, preset);
    for (const auto& item : fixed.items()) forced[item.key()] = spec.at(item.key());
  }
  return forced;
}

bool force_fields(const Entry& entry, Case& c, const Json& forced) {
  Json given = c.spec;
  for (const auto& item : forced.items()) given[item.key()] = item.value();
  Json spec;
  try {
    spec = entry.make_spec(given, "");
  } catch (const InvalidInput&) {
    return false;
  }
  if (entry.initial_state && c.inputs.contains("param")) {
    const Shape& shape = c.inputs.at("param").shape();
    const NamedArrays<Real> before = entry.initial_state(c.spec, shape);
    const NamedArrays<Real> after = entry.initial_state(spec, shape);
    for (const auto& [name, array] : before)
      if (!after.contains(name)) c.inputs.erase(name);
    for (const auto& [name, array] : after)
      if (!before.contains(name)) c.inputs.insert_or_assign(name, array);
  }
  c.spec = std::move(spec);
  return true;
}

GoldenDrawer::GoldenDrawer(const Entry& entry, Dtype dtype, Json forced, std::uint64_t seed)
    : entry_(entry), dtype_(dtype), forced_(std::move(forced)), gen_(catalog::generator_for(entry, dtype)), root_(seed) {}

/// Draw k gets its own split of the seeded stream and RapidCheck size 1 + 37 k mod
/// 100, so sizes sweep the generator's range deterministically.
std::optional<Case> GoldenDrawer::draw() {
  rc::Random random = root_.split();
  const int size = 1 + static_cast<int>((37 * draws_++) % 100);
  try {
    return gen_(random, size).value();
  } catch (const rc::GenerationFailure&) {
    return std::nullopt;
  }
}

verify::CertifiedCase GoldenDrawer::next() {
  int failed = 0, mismatched = 0, unforceable = 0, uncertified = 0;
  for (;; ++redrawn_) {
    std::optional<Case> drawn = draw();
    if (!drawn) {
      if (failed++ < failed_draws) continue;
      throw std::runtime_error(entry_.name + ": the generator failed " + std::to_string(failed) + " times in a row");
    }
    Case c = std::move(*drawn);
    const bool forcing = !has_fields(c.spec, forced_);
    if (forcing) {
      if (mismatched++ < matching_draws) continue;
      if (!force_fields(entry_, c, forced_) || !representable(entry_, c, dtype_)) {
        if (unforceable++ < forced_draws) continue;
        throw InvalidInput(entry_.name, "preset", forced_.dump(),
                           "a preset under which the op's generator draws valid cases in " +
                               std::string(catalog::dtype_name(dtype_)));
      }
    } else if (!representable(entry_, c, dtype_)) {
      throw std::logic_error(entry_.name + ": the generator drew an input that " + catalog::dtype_name(dtype_) +
                             " does not hold exactly");
    }
    std::optional<verify::CertifiedCase> g;
    try {
      g = verify::certify_case(entry_, c, dtype_);
    } catch (const InvalidInput&) {
      if (!forcing) throw;
      if (unforceable++ < forced_draws) continue;
      throw;
    }
    if (!g) {
      if (uncertified++ < uncertified_draws) continue;
      throw std::runtime_error(entry_.name + ": " + std::to_string(uncertified) +
                               " draws in a row with an output whose rounding 4096 bits cannot certify");
    }
    return std::move(*g);
  }
}

}  // namespace gradref::cli
