#pragma once
// Reference binary cross-entropy on probabilities, generic over the scalar.
#include "gradref/reference/array.hpp"
#include "gradref/spec/bce.hpp"

namespace gradref::reference {

/// Outputs of bce and bce_with_logits.
template <class T>
struct BinaryLossResult {
  Array<T> loss;         ///< input's shape for reduction none, [] otherwise
  Array<T> grad_input;   ///< d(sum of loss) / d input
  Array<T> grad_target;  ///< d(sum of loss) / d target
};

/// `weight` may be null (every weight 1).
template <class T>
BinaryLossResult<T> bce(const spec::Bce& spec, const Array<T>& input, const Array<T>& target, const Array<T>* weight);

}  // namespace gradref::reference
