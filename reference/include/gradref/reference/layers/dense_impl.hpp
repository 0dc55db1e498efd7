#pragma once
// Definition of reference::dense (instantiated in reference/src), in the fast
// kernel's order: the products x W^T, then + b; g W; g^T x; the column sums of g.
#include "gradref/reference/layers/affine_impl.hpp"
#include "gradref/reference/layers/dense.hpp"
#include "gradref/reference/losses/value_text.hpp"

namespace gradref::reference {

template <class T>
DenseResult<T> dense(const spec::Dense& s, const Array<T>& input, const Array<T>& weight, const Array<T>* bias,
                     const Array<T>& grad_output) {
  const spec::AffineDims d =
      spec::dense_dims(s, input.shape(), weight.shape(), bias ? &bias->shape() : nullptr, grad_output.shape());
  spec::check_dense_values(input.span(), weight.span(), bias ? bias->span() : std::span<const T>(),
                           grad_output.span(), [](const T& x) { return value_text(x); });
  DenseResult<T> r;
  r.output = affine::forward(input, weight, bias, s.weight_layout, d);
  r.grad_input = affine::grad_input(grad_output, weight, s.weight_layout, d);
  r.grad_weight = affine::grad_weight(grad_output, input, s.weight_layout, d);
  if (s.bias) r.grad_bias = affine::column_sums(grad_output, d);
  return r;
}

}  // namespace gradref::reference
