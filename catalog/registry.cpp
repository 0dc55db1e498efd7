#include <algorithm>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/json.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::catalog {

#define GRADREF_OP(name) const Entry& name##_entry();
#include "ops.def"
#undef GRADREF_OP

void showValue(const Case& c, std::ostream& os) { os << case_to_json(c).dump(); }

const char* dtype_name(Dtype d) {
  switch (d) {
    case Dtype::float32: return "float32";
    case Dtype::float64: return "float64";
    case Dtype::bfloat16: return "bfloat16";
  }
  return "unknown";
}

const std::vector<const Entry*>& all() {
  static const std::vector<const Entry*> entries = {
#define GRADREF_OP(name) &name##_entry(),
#include "ops.def"
#undef GRADREF_OP
  };
  return entries;
}

const Entry& find(const std::string& name) {
  for (const Entry* e : all())
    if (e->name == name) return *e;
  std::string names;
  for (const Entry* e : all()) names += (names.empty() ? "" : ", ") + e->name;
  throw InvalidInput("gradref", "op", "\"" + name + "\"", "one of: " + names);
}

}  // namespace gradref::catalog
