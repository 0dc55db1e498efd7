#pragma once
// Reference dense layer (spec/dense.hpp), forward and backward, generic over the scalar.
#include "gradref/reference/array.hpp"
#include "gradref/spec/dense.hpp"

namespace gradref::reference {

template <class T>
struct DenseResult {
  Array<T> output;       ///< s = x W^T + b, [N, out]
  Array<T> grad_input;   ///< g W, [N, in]
  Array<T> grad_weight;  ///< g^T x in W's layout
  Array<T> grad_bias;    ///< column sums of g, [out]; empty without a bias
};

/// `bias` is null when the spec has none; `grad_output` is the cotangent g [N, out].
template <class T>
DenseResult<T> dense(const spec::Dense& spec, const Array<T>& input, const Array<T>& weight, const Array<T>* bias,
                     const Array<T>& grad_output);

}  // namespace gradref::reference
