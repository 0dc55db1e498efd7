#pragma once
// What every update rule shares: its state arrays ("slots", each shaped like param),
// the step counter, and the shape of the gradient input (one gradient per step).
// A rule's spec header declares
//   std::vector<const char*> slots(const Spec&);  // the state arrays the spec uses, in order
// and, when it carries scalars between steps (NAdam's product of momentum factors),
//   std::vector<const char*> scalar_slots(const Spec&);
// The reference, fast kernels and catalog handle the rest generically.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gradref/spec/errors.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

/// Largest step counter a rule accepts: beyond 2^53 the count is not exact in double.
inline constexpr std::int64_t max_step = std::int64_t{1} << 53;

/// Rules without scalar state: the overload a rule's own spec type replaces.
template <class Spec>
std::vector<const char*> scalar_slots(const Spec&) {
  return {};
}

/// One state array: its name (the catalog's input and output) and its shape.
struct SlotShape {
  const char* name;
  const Shape* shape;  ///< null when the caller has no such array
};

/// Checks the step counter, every slot against param's shape, and grad, which is
/// param's shape (one step) or [steps >= 1] followed by it; returns the step count.
inline std::int64_t rule_steps(const char* op, const Shape& param, const Shape& grad, std::span<const SlotShape> slots,
                               std::int64_t step) {
  for (const SlotShape& slot : slots) {
    if (!slot.shape)
      throw InvalidInput(op, slot.name, "missing", "an array shaped like param " + shape_text(param));
    require_shape(op, slot.name, *slot.shape, param);
  }
  if (step < 0 || step > max_step) throw InvalidInput(op, "step", std::to_string(step), "an integer in [0, 2^53]");
  if (grad == param) return 1;
  const Shape tail(grad.begin() + (grad.empty() ? 0 : 1), grad.end());
  if (grad.size() != param.size() + 1 || tail != param || grad[0] < 1)
    throw InvalidInput(op, "grad.shape", shape_text(grad),
                       "param's shape " + shape_text(param) + " or [steps >= 1] followed by it");
  if (step > max_step - grad[0])
    throw InvalidInput(op, "step", std::to_string(step), "step + steps <= 2^53");
  return grad[0];
}

}  // namespace gradref::spec
