#pragma once
// Reference Nesterov momentum in the look-ahead form (spec/nesterov_lookahead.hpp),
// generic over the scalar type, driven by a gradient callback.
#include <cstdint>
#include <functional>

#include "gradref/reference/rules/rule_state.hpp"
#include "gradref/spec/nesterov_lookahead.hpp"

namespace gradref::reference {

/// The gradient of the objective at a point.
template <class T>
using GradientAt = std::function<Array<T>(const Array<T>& point)>;

/// Takes spec.steps steps; state.slots = {velocity}. Each step evaluates
/// `gradient_at` once, at theta + momentum * velocity.
template <class T>
void nesterov_lookahead(const spec::NesterovLookahead& spec, RuleState<T>& state, const GradientAt<T>& gradient_at);

/// A x + b for the quadratic 1/2 x^T A x + b^T x (A symmetric [n, n]); each row
/// sum of A_ij x_j in the blocked-pairwise order of the fast layer, then + b_i.
template <class T>
Array<T> quadratic_gradient(const Array<T>& hessian, const Array<T>& linear, const Array<T>& x);

}  // namespace gradref::reference
