#pragma once
// Reference Adam, generic over the scalar type. The operation order is the one the
// fast kernels follow (per-step scalars first, then one pass per element), so that
// instantiating it with Tracked gives their error model; in Real the order does
// not matter.
#include <cstdint>
#include <optional>

#include "gradref/reference/array.hpp"
#include "gradref/spec/adam.hpp"

namespace gradref::reference {

template <class T>
struct AdamState {
  Array<T> param;
  Array<T> exp_avg;
  Array<T> exp_avg_sq;
  std::optional<Array<T>> max_exp_avg_sq;  ///< present iff spec.amsgrad
  std::int64_t step = 0;                   ///< steps already taken
};

/// Applies one step per gradient in `grads` (shape [steps, *param.shape], or
/// param.shape for a single step). Validates the spec and every shape first.
template <class T>
void adam(const spec::Adam& spec, AdamState<T>& state, const Array<T>& grads);

}  // namespace gradref::reference
