#pragma once
// Reference AdamW (spec/adamw.hpp): Adam's update (adam_impl.hpp) with decoupled decay.
#include "gradref/reference/rules/rule_state.hpp"
#include "gradref/spec/adamw.hpp"

namespace gradref::reference {

/// Applies one step per gradient in `grads` ([steps, *param] or param's shape).
/// Validates the spec, every shape and the counter first.
template <class T>
void step(const spec::AdamW& spec, RuleState<T>& state, const Array<T>& grads);

}  // namespace gradref::reference
