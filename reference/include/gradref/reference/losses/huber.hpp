#pragma once
// Reference Huber loss between input and target, generic over the scalar.
#include "gradref/reference/array.hpp"
#include "gradref/reference/losses/pointwise_loss.hpp"
#include "gradref/spec/huber.hpp"

namespace gradref::reference {

template <class T>
PointwiseLossResult<T> huber(const spec::Huber& spec, const Array<T>& input, const Array<T>& target);

}  // namespace gradref::reference
