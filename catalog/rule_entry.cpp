// The non-template parts of the generic rule entry.
#include "rule_entry.hpp"

#include <algorithm>

namespace gradref::catalog::rules {

std::int64_t step_of(const Case& c, const char* op) {
  const Array<Real>& step = input(c, "step");
  if (step.size() != 1 || step.rank() != 0)
    throw InvalidInput(op, "step.shape", shape_text(step.shape()), "[] (a scalar)");
  return integer_value(step[0], op, "step");
}

const Array<Real>& scalar_input(const Case& c, const char* op, const char* name) {
  const Array<Real>& a = input(c, name);
  if (a.size() != 1 || a.rank() != 0) throw InvalidInput(op, std::string(name) + ".shape", shape_text(a.shape()), "[] (a scalar)");
  return a;
}

void map_slots(Case& c, const std::vector<const char*>& before, const std::vector<const char*>& after) {
  if (before.size() != after.size()) {
    // A kernel that lacks the feature: state it does not use stays as given (the
    // caller reports it unchanged); state it needs starts from zeros.
    const auto has = [](const std::vector<const char*>& names, const char* name) {
      return std::any_of(names.begin(), names.end(), [name](const char* n) { return std::string(n) == name; });
    };
    for (const char* name : before)
      if (!has(after, name)) c.inputs.erase(name);
    const Array<Real>& param = c.inputs.at("param");
    for (const char* name : after)
      if (!has(before, name)) c.inputs.emplace(name, Array<Real>(param.shape(), Real(0)));
    return;
  }
  std::vector<Array<Real>> values;
  for (const char* name : before) {
    values.push_back(c.inputs.at(name));
    c.inputs.erase(name);
  }
  for (std::size_t i = 0; i < after.size(); ++i) c.inputs.insert_or_assign(after[i], std::move(values[i]));
}

}  // namespace gradref::catalog::rules
