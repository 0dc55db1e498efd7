#pragma once
// Reference AdaGrad (spec/adagrad.hpp), generic over the scalar type.
#include "gradref/reference/rules/rule_state.hpp"
#include "gradref/spec/adagrad.hpp"

namespace gradref::reference {

/// Applies one step per gradient in `grads` ([steps, *param] or param's shape).
/// Validates the spec, every shape and the counter first.
template <class T>
void step(const spec::Adagrad& spec, RuleState<T>& state, const Array<T>& grads);

}  // namespace gradref::reference
