#include "case_edits.hpp"

#include <utility>

#include "gradref/catalog/generators.hpp"

namespace gradref::catalog {

Case with_spec(Case c, const char* field, Json value) {
  c.spec[field] = std::move(value);
  return c;
}

Case with_input(Case c, const char* name, const Shape& shape, const std::vector<double>& values) {
  c.inputs.insert_or_assign(name, gen::real_array(shape, values));
  return c;
}

Case without_input(Case c, const char* name) {
  c.inputs.erase(name);
  return c;
}

}  // namespace gradref::catalog
