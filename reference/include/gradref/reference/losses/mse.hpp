#pragma once
// Reference mean squared error between input and target, generic over the scalar.
#include "gradref/reference/array.hpp"
#include "gradref/reference/losses/pointwise_loss.hpp"
#include "gradref/spec/mse.hpp"

namespace gradref::reference {

template <class T>
PointwiseLossResult<T> mse(const spec::Mse& spec, const Array<T>& input, const Array<T>& target);

}  // namespace gradref::reference
