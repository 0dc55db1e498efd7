#pragma once
// Input checks shared by the elementwise regression losses (mse, l1, huber): an
// `input` and a `target` of the same shape, rank >= 1, at least one element. The
// reference and the fast kernels call the same function, so both refuse the same
// inputs naming the same field.
#include <cstdint>

#include "gradref/spec/reduction.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

/// Checks input (rank >= 1, >= 1 element) and target (input's shape); returns the element count.
inline std::int64_t pointwise_loss_size(const char* op, const Shape& input, const Shape& target) {
  if (input.empty() || element_count(input) < 1)
    throw InvalidInput(op, "input.shape", shape_text(input), "rank >= 1 and at least one element");
  for (std::int64_t extent : input)
    if (extent < 1) throw InvalidInput(op, "input.shape", shape_text(input), "every extent >= 1");
  require_shape(op, "target", target, input);
  return element_count(input);
}

/// Shape of `loss`: the input's for reduction none, [] otherwise.
inline Shape pointwise_loss_shape(Reduction r, const Shape& input) { return r == Reduction::none ? input : Shape{}; }

}  // namespace gradref::spec
