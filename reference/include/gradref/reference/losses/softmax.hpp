#pragma once
// Reference softmax and log-softmax along an axis, each with its vector-Jacobian
// product, generic over the scalar.
#include "gradref/reference/array.hpp"
#include "gradref/spec/softmax.hpp"

namespace gradref::reference {

template <class T>
struct SoftmaxResult {
  Array<T> output;      ///< input's shape: softmax or log-softmax along dim
  Array<T> grad_input;  ///< input's shape: d(sum of grad_output * output) / d input
};

template <class T>
SoftmaxResult<T> softmax(const spec::Softmax& spec, const Array<T>& input, const Array<T>& grad_output);

template <class T>
SoftmaxResult<T> log_softmax(const spec::LogSoftmax& spec, const Array<T>& input, const Array<T>& grad_output);

}  // namespace gradref::reference
