#include "verify/explain_alternatives.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "golden_cases.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::cli::verify {

namespace {

using catalog::Case;
using catalog::Entry;
using catalog::Field;
using catalog::Json;

// Choice and flag fields that select the function computed (or which inputs exist)
// rather than a convention for computing it.
constexpr std::array function_fields{
    std::string_view("family"),         // schedule: step, exponential, cosine, ...
    std::string_view("kind"),           // objective, armijo: which test function
    std::string_view("function"),       // activation
    std::string_view("activation"),     // mlp: hidden activation
    std::string_view("output_activation"),
    std::string_view("loss"),           // mlp: which loss, or none
    std::string_view("objective"),      // gan: which game
    std::string_view("discriminator"),  // gan: logistic or affine
    std::string_view("target_type"),    // cross_entropy: the target's shape and meaning
    std::string_view("variance"),       // gaussian_nll: a var input or a fixed sigma
    std::string_view("bias"),           // dense, mlp: whether bias inputs exist
};

bool is_choice_or_flag(const Field& field) { return field.type == "flag" || field.type == "choice"; }

std::string value_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

/// The alternative that gives every case `changes`.
Alternative apply(const Entry& entry, const std::vector<const Case*>& cases, std::string name, bool preset,
                  Json changes) {
  Alternative a{std::move(name), preset, std::move(changes), {}, Json::object(), {}};
  for (const auto& item : a.changes.items()) a.replaced[item.key()] = Json::array();
  for (const Case* c : cases) {
    Json given = c->spec;
    for (const auto& item : a.changes.items()) given[item.key()] = item.value();
    try {
      a.specs.emplace_back(entry.make_spec(given, ""));
    } catch (const InvalidInput&) {
      a.specs.emplace_back(std::nullopt);
      continue;
    }
    for (const auto& item : a.changes.items()) {
      const Json& was = c->spec.at(item.key());
      Json& seen = a.replaced[item.key()];
      if (was != item.value() && std::find(seen.begin(), seen.end(), was) == seen.end()) seen.push_back(was);
    }
  }
  return a;
}

bool changes_nothing(const Alternative& a, const std::vector<const Case*>& cases) {
  for (std::size_t k = 0; k < cases.size(); ++k)
    if (!a.specs[k] || *a.specs[k] != cases[k]->spec) return false;
  return true;
}

}  // namespace

std::string Alternative::describe_changes() const {
  std::string out;
  for (const auto& item : changes.items()) {
    const Json& was = replaced.at(item.key());
    // A preset field every case already has says nothing; a single change that
    // replaces nothing (it applies only where it changes nothing) keeps its name.
    if (was.empty() && preset) continue;
    std::string golden;
    for (const Json& v : was) golden += (golden.empty() ? "" : " or ") + value_text(v);
    out += (out.empty() ? "" : ", ") + item.key() + " = " + value_text(item.value()) +
           (golden.empty() ? "" : " (golden: " + golden + ")");
  }
  return out;
}

bool is_convention(const Field& field) {
  return is_choice_or_flag(field) &&
         std::find(function_fields.begin(), function_fields.end(), field.name) == function_fields.end();
}

std::vector<Alternative> alternatives(const Entry& entry, const std::vector<const Case*>& cases,
                                      std::vector<std::string>& unchanged) {
  std::vector<Alternative> candidates;
  for (const catalog::Preset& preset : entry.presets) {
    // The preset's conventions; its hyperparameters (lr, eps, ...) stay the case's.
    const Json forced = forced_fields(entry, preset.name, Json::object());
    Json changes = Json::object();
    for (const Field& field : entry.fields)
      if (is_choice_or_flag(field) && forced.contains(field.name)) changes[field.name] = forced.at(field.name);
    candidates.push_back(apply(entry, cases, "preset " + preset.name, true, std::move(changes)));
  }
  for (const Field& field : entry.fields) {
    if (!is_convention(field)) continue;
    const std::vector<Json> values =
        field.type == "flag" ? std::vector<Json>{Json(false), Json(true)}
                             : std::vector<Json>(field.choices.begin(), field.choices.end());
    for (const Json& value : values)
      candidates.push_back(apply(entry, cases, field.name + " = " + value_text(value), false, {{field.name, value}}));
  }

  std::vector<Alternative> out;
  for (Alternative& a : candidates) {
    if (changes_nothing(a, cases)) {
      if (a.preset) unchanged.push_back(a.name);
      continue;
    }
    // Alternatives applicable to no case are kept apart: they share no spec.
    const bool applicable = std::any_of(a.specs.begin(), a.specs.end(), [](const auto& s) { return s.has_value(); });
    const auto same = std::find_if(out.begin(), out.end(), [&a](const Alternative& b) { return b.specs == a.specs; });
    if (applicable && same != out.end()) {
      same->same_as.push_back(a.name);
      continue;
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace gradref::cli::verify
