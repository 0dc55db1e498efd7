#pragma once
// A case with one thing changed: how invalid inputs and wrong variants are built
// from an op's valid base case.
#include <vector>

#include "gradref/catalog/catalog.hpp"

namespace gradref::catalog {

/// `c` with spec field `field` set to `value`.
Case with_spec(Case c, const char* field, Json value);

/// `c` with input `name` replaced by (or set to) an array of `shape` and `values`.
Case with_input(Case c, const char* name, const Shape& shape, const std::vector<double>& values);

/// `c` without input `name`.
Case without_input(Case c, const char* name);

}  // namespace gradref::catalog
