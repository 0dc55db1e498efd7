#pragma once
// Reference Adam / AMSGrad (spec/adam.hpp), generic over the scalar type.
#include "gradref/reference/rules/rule_state.hpp"
#include "gradref/spec/adam.hpp"

namespace gradref::reference {

/// Applies one step per gradient in `grads` ([steps, *param] or param's shape).
/// Validates the spec, every shape and the counter first.
template <class T>
void step(const spec::Adam& spec, RuleState<T>& state, const Array<T>& grads);

}  // namespace gradref::reference
