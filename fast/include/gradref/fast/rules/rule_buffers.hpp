#pragma once
// The buffers every fast update rule steps in place: parameters, one gradient per
// step, the rule's state arrays in spec::slots(spec) order, and the step counter.
#include <cstdint>
#include <span>
#include <vector>

#include "gradref/spec/rule.hpp"

namespace gradref::fast {

template <class T>
struct RuleBuffers {
  std::span<T> param;
  std::span<const T> grads;         ///< steps * param.size(), one gradient per step
  std::vector<std::span<T>> slots;  ///< spec::slots(spec) order
  std::span<T> scalars = {};        ///< spec::scalar_slots(spec) order; updated by the call
  std::int64_t step = 0;            ///< steps already taken; advanced by the call
};

/// spec::rule_steps on flat buffers (the reference's messages): grads holds one
/// gradient ([n]) or a positive number of them ([steps, n]), and there are exactly
/// as many slots as the spec uses. (Buffers: RuleBuffers<T> or MixedRuleBuffers.)
template <class Buffers>
std::int64_t checked_steps(const char* op, const std::vector<const char*>& slot_names, const Buffers& b) {
  const auto size = [](std::size_t s) { return static_cast<std::int64_t>(s); };
  const std::int64_t n = size(b.param.size()), g = size(b.grads.size());
  const Shape param{n};
  const Shape grad = g == n ? param : (n > 0 && g % n == 0 ? Shape{g / n, n} : Shape{g});
  if (b.slots.size() > slot_names.size())
    throw InvalidInput(op, "slots", std::to_string(b.slots.size()) + " state arrays",
                       std::to_string(slot_names.size()) + " for this spec");
  std::vector<Shape> shapes;
  shapes.reserve(b.slots.size());
  for (const auto& s : b.slots) shapes.push_back(Shape{size(s.size())});
  std::vector<spec::SlotShape> slots;
  for (std::size_t i = 0; i < slot_names.size(); ++i)
    slots.push_back({slot_names[i], i < shapes.size() ? &shapes[i] : nullptr});
  return spec::rule_steps(op, param, grad, slots, b.step);
}

}  // namespace gradref::fast
