#pragma once
// Reference L1 (absolute error) loss between input and target, generic over the scalar.
#include "gradref/reference/array.hpp"
#include "gradref/reference/losses/pointwise_loss.hpp"
#include "gradref/spec/l1.hpp"

namespace gradref::reference {

template <class T>
PointwiseLossResult<T> l1(const spec::L1& spec, const Array<T>& input, const Array<T>& target);

}  // namespace gradref::reference
