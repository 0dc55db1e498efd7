#pragma once
// Shapes and the checks every op makes on them, shared by all layers.
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "gradref/spec/errors.hpp"

namespace gradref {

using Shape = std::vector<std::int64_t>;

/// Number of elements of a shape (1 for a scalar, shape {}).
inline std::int64_t element_count(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

inline std::string shape_text(const Shape& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

namespace spec {

inline void require_shape(const char* op, const char* field, const Shape& actual, const Shape& expected) {
  if (actual != expected)
    throw InvalidInput(op, std::string(field) + ".shape", shape_text(actual), "shape " + shape_text(expected));
}

}  // namespace spec
}  // namespace gradref
