#include "gradref/testing/cases.hpp"

#include <algorithm>
#include <optional>

#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::testing {
namespace {

// Precision of the trial run that tells whether a pinned case is valid: the op's
// checks do not depend on it, and 64 bits keep the run cheap.
constexpr unsigned kTrialBits = 64;

const catalog::Field& field_of(const catalog::Entry& entry, const std::string& name) {
  for (const catalog::Field& f : entry.fields)
    if (f.name == name) return f;
  std::string names;
  for (const catalog::Field& f : entry.fields) names += (names.empty() ? "" : ", ") + f.name;
  throw InvalidInput(entry.name, "vary", "\"" + name + "\"", "a field of " + entry.name + ": " + names);
}

void require_preset(const catalog::Entry& entry, const std::string& preset) {
  std::string names;
  for (const catalog::Preset& p : entry.presets) {
    if (p.name == preset) return;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  throw InvalidInput(entry.name, "preset", "\"" + preset + "\"", "one of: " + names);
}

/// The drawn case under the preset with the `vary` fields kept, if the op runs it.
std::optional<Case> pinned(const catalog::Entry& entry, const Case& drawn, const std::string& preset,
                           const std::vector<std::string>& vary) {
  catalog::Json given = catalog::Json::object();
  for (const std::string& f : vary)
    if (drawn.spec.contains(f)) given[f] = drawn.spec[f];
  Case c = drawn;
  try {
    c.spec = entry.make_spec(given, preset);
    catalog::evaluate_at(entry, c, kTrialBits);
  } catch (const InvalidInput&) {
    return std::nullopt;
  }
  return c;
}

const catalog::Json& spec_field(const Case& c, const std::string& field) {
  if (!c.spec.contains(field)) throw InvalidInput(c.op, field, "(absent)", "a field of " + c.op + "'s spec");
  return c.spec[field];
}

}  // namespace

std::vector<std::string> hyperparameters(const std::string& op, const std::string& preset) {
  const catalog::Entry& entry = catalog::find(op);
  require_preset(entry, preset);
  const catalog::Json spec = entry.make_spec(catalog::Json::object(), preset);
  std::vector<std::string> out;
  for (const catalog::Field& f : entry.fields)
    if (f.type == "number" && spec[f.name].get<double>() != 0.0) out.push_back(f.name);
  return out;
}

rc::Gen<Case> cases(const std::string& op, Dtype dtype) { return catalog::generator_for(catalog::find(op), dtype); }

rc::Gen<Case> cases(const std::string& op, Dtype dtype, const std::string& preset) {
  return cases(op, dtype, preset, hyperparameters(op, preset));
}

rc::Gen<Case> cases(const std::string& op, Dtype dtype, const std::string& preset,
                    const std::vector<std::string>& vary) {
  const catalog::Entry& entry = catalog::find(op);
  require_preset(entry, preset);
  for (const std::string& f : vary) field_of(entry, f);
  const catalog::Entry* e = &entry;  // catalog entries live for the whole program
  const auto attempts = rc::gen::map(catalog::generator_for(entry, dtype), [e, preset, vary](const Case& drawn) {
    return pinned(*e, drawn, preset, vary);
  });
  return rc::gen::map(rc::gen::suchThat(attempts, [](const std::optional<Case>& c) { return c.has_value(); }),
                      [](const std::optional<Case>& c) { return *c; });
}

std::vector<Case> sample(const rc::Gen<Case>& gen, int count, std::uint64_t seed) {
  std::vector<Case> out;
  for (int i = 0; i < count; ++i) out.push_back(gen(rc::Random(seed + static_cast<std::uint64_t>(i)), 1 + i % 100).value());
  return out;
}

template <class T>
std::vector<T> input(const Case& c, const std::string& name) {
  return catalog::exact_values<T>(catalog::input(c, name), c.op, name);
}

Shape shape(const Case& c, const std::string& name) { return catalog::input(c, name).shape(); }

double number(const Case& c, const std::string& field) {
  const catalog::Json& j = spec_field(c, field);
  if (!j.is_number()) throw InvalidInput(c.op, field, j.dump(), "a number field");
  return j.get<double>();
}

bool flag(const Case& c, const std::string& field) {
  const catalog::Json& j = spec_field(c, field);
  if (!j.is_boolean()) throw InvalidInput(c.op, field, j.dump(), "a flag field");
  return j.get<bool>();
}

std::string choice(const Case& c, const std::string& field) {
  const catalog::Json& j = spec_field(c, field);
  if (!j.is_string()) throw InvalidInput(c.op, field, j.dump(), "a choice or text field");
  return j.get<std::string>();
}

template std::vector<float> input<float>(const Case&, const std::string&);
template std::vector<double> input<double>(const Case&, const std::string&);

}  // namespace gradref::testing
