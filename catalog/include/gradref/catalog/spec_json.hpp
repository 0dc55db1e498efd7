#pragma once
// Generic JSON form of any spec, driven by the spec's describe(): reading with
// defaults from a preset, writing every field, and the field list `gradref ops`
// prints. Hyperparameters are doubles: "1e-3" means the double nearest 1e-3.
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/spec/errors.hpp"
#include "gradref/spec/fields.hpp"

namespace gradref::catalog {

namespace detail {

/// A number field given as a JSON number or as text (decimal or hex-float).
inline double number_field(const Json& j, const char* op, const std::string& field) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const std::string text = j.get<std::string>();
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(text.c_str(), &end);
    if (!text.empty() && *end == '\0' && errno != ERANGE) return x;
  }
  throw InvalidInput(op, field, j.dump(), "a finite number (JSON number, decimal or hex-float string)");
}

struct FieldLister {
  std::vector<Field> out;
  void number(const char* name, double& x, const char* doc) { out.push_back({name, "number", doc, x, {}}); }
  void flag(const char* name, bool& x, const char* doc) { out.push_back({name, "flag", doc, x, {}}); }
  void integer(const char* name, std::int64_t& x, const char* doc) { out.push_back({name, "integer", doc, x, {}}); }
  void text(const char* name, std::string& x, const char* doc) { out.push_back({name, "text", doc, x, {}}); }
  template <class E, class Alts>
  void choice(const char* name, E& x, const Alts& alts, const char* doc) {
    Field f{name, "choice", doc, nullptr, {}};
    for (const auto& a : alts) {
      f.choices.push_back(a.name);
      if (a.value == x) f.default_value = a.name;
    }
    out.push_back(std::move(f));
  }
};

struct JsonWriter {
  Json out = Json::object();
  void number(const char* name, double& x, const char*) { out[name] = x; }
  void flag(const char* name, bool& x, const char*) { out[name] = x; }
  void integer(const char* name, std::int64_t& x, const char*) { out[name] = x; }
  void text(const char* name, std::string& x, const char*) { out[name] = x; }
  template <class E, class Alts>
  void choice(const char* name, E& x, const Alts& alts, const char*) {
    for (const auto& a : alts)
      if (a.value == x) out[name] = a.name;
  }
};

struct JsonReader {
  const Json& in;
  const char* op;
  std::vector<std::string> seen;
  void number(const char* name, double& x, const char*) {
    seen.push_back(name);
    if (in.contains(name)) x = number_field(in[name], op, name);
  }
  void flag(const char* name, bool& x, const char*) {
    seen.push_back(name);
    if (!in.contains(name)) return;
    if (!in[name].is_boolean()) throw InvalidInput(op, name, in[name].dump(), "true or false");
    x = in[name].get<bool>();
  }
  void integer(const char* name, std::int64_t& x, const char*) {
    seen.push_back(name);
    if (!in.contains(name)) return;
    if (!in[name].is_number_integer()) throw InvalidInput(op, name, in[name].dump(), "an integer (JSON number without fraction or exponent)");
    x = in[name].get<std::int64_t>();
  }
  void text(const char* name, std::string& x, const char*) {
    seen.push_back(name);
    if (!in.contains(name)) return;
    if (!in[name].is_string()) throw InvalidInput(op, name, in[name].dump(), "a JSON string");
    x = in[name].get<std::string>();
  }
  template <class E, class Alts>
  void choice(const char* name, E& x, const Alts& alts, const char*) {
    seen.push_back(name);
    if (!in.contains(name)) return;
    std::string names;
    for (const auto& a : alts) {
      if (in[name].is_string() && in[name].get<std::string>() == a.name) {
        x = a.value;
        return;
      }
      names += std::string(names.empty() ? "" : ", ") + "\"" + a.name + "\"";
    }
    throw InvalidInput(op, name, in[name].dump(), "one of " + names);
  }
};

}  // namespace detail

template <class Spec>
std::vector<Field> fields_of() {
  Spec s{};
  detail::FieldLister v;
  s.describe(v);
  return v.out;
}

template <class Spec>
Json spec_to_json(const Spec& s) {
  Spec copy = s;
  detail::JsonWriter v;
  copy.describe(v);
  return v.out;
}

template <class Spec>
std::vector<Preset> presets_of_spec() {
  std::vector<Preset> out;
  for (const auto& p : presets_of(static_cast<const Spec*>(nullptr))) out.push_back({p.name, p.source});
  return out;
}

/// Starts from `preset` (the first preset when empty), overrides with `given`,
/// validates. Unknown fields and unknown presets are errors, never ignored.
template <class Spec>
Spec spec_from_json(const Json& given, const std::string& preset) {
  Spec s{};
  const auto& presets = presets_of(static_cast<const Spec*>(nullptr));
  if (!preset.empty()) {
    bool found = false;
    std::string names;
    for (const auto& p : presets) {
      names += std::string(names.empty() ? "" : ", ") + p.name;
      if (preset == p.name) {
        p.apply(s);
        found = true;
      }
    }
    if (!found) throw InvalidInput(Spec::op, "preset", "\"" + preset + "\"", "one of: " + names);
  } else {
    presets[0].apply(s);
  }
  if (given.is_null()) {
    validate(s);
    return s;
  }
  if (!given.is_object()) throw InvalidInput(Spec::op, "spec", given.dump(), "a JSON object");
  detail::JsonReader reader{given, Spec::op, {}};
  s.describe(reader);
  for (const auto& item : given.items()) {
    bool known = false;
    for (const auto& name : reader.seen) known = known || name == item.key();
    if (!known) {
      std::string names;
      for (const auto& name : reader.seen) names += (names.empty() ? "" : ", ") + name;
      throw InvalidInput(Spec::op, item.key(), "(unknown field)", "one of: " + names);
    }
  }
  validate(s);
  return s;
}

template <class Spec>
Json make_spec_json(const Json& given, const std::string& preset) {
  return spec_to_json(spec_from_json<Spec>(given, preset));
}

}  // namespace gradref::catalog
