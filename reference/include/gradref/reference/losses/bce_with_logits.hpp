#pragma once
// Reference binary cross-entropy on logits, generic over the scalar.
#include "gradref/reference/array.hpp"
#include "gradref/reference/losses/bce.hpp"
#include "gradref/spec/bce_with_logits.hpp"

namespace gradref::reference {

/// `weight` ([*input]) and `pos_weight` ([C]) may be null (every weight 1).
template <class T>
BinaryLossResult<T> bce_with_logits(const spec::BceWithLogits& spec, const Array<T>& input, const Array<T>& target,
                                    const Array<T>* weight, const Array<T>* pos_weight);

}  // namespace gradref::reference
