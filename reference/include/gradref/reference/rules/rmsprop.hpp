#pragma once
// Reference RMSProp (spec/rmsprop.hpp), generic over the scalar type.
#include "gradref/reference/rules/rule_state.hpp"
#include "gradref/spec/rmsprop.hpp"

namespace gradref::reference {

/// Applies one step per gradient in `grads` ([steps, *param] or param's shape).
/// Validates the spec, every shape and the counter first.
template <class T>
void step(const spec::Rmsprop& spec, RuleState<T>& state, const Array<T>& grads);

}  // namespace gradref::reference
