#pragma once
// The state an update rule carries between calls, in the form every rule shares:
// the parameters, the rule's state arrays in the order spec::slots(spec) names them,
// and the number of steps already taken.
#include <cstdint>
#include <vector>

#include "gradref/reference/array.hpp"
#include "gradref/spec/rule.hpp"

namespace gradref::reference {

template <class T>
struct RuleState {
  Array<T> param;
  std::vector<Array<T>> slots;  ///< spec::slots(spec) order
  std::vector<T> scalars;       ///< spec::scalar_slots(spec) order
  std::int64_t step = 0;        ///< steps already taken
};

/// spec::rule_steps on a reference state: validates shapes and the counter and
/// returns the number of gradients in `grads`.
template <class T>
std::int64_t checked_steps(const char* op, const std::vector<const char*>& slot_names, const RuleState<T>& st,
                           const Array<T>& grads) {
  std::vector<spec::SlotShape> shapes;
  for (std::size_t i = 0; i < slot_names.size(); ++i)
    shapes.push_back({slot_names[i], i < st.slots.size() ? &st.slots[i].shape() : nullptr});
  return spec::rule_steps(op, st.param.shape(), grads.shape(), shapes, st.step);
}

}  // namespace gradref::reference
