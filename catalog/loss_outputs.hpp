#pragma once
// The outputs `loss`, `grad_input` and `grad_target` of the elementwise losses
// (mse, l1, huber, bce, bce_with_logits) in the catalog's named form: from the
// reference's result, from its error model, from a fast kernel's buffers, and from
// the plain loop a wrong variant is written as.
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/spec/reduction.hpp"

namespace gradref::catalog {

/// A reference result (members loss, grad_input, grad_target) as named arrays.
template <template <class> class Result, class T>
NamedArrays<T> named_outputs(Result<T> r) {
  NamedArrays<T> out;
  out.emplace("loss", std::move(r.loss));
  out.emplace("grad_input", std::move(r.grad_input));
  out.emplace("grad_target", std::move(r.grad_target));
  return out;
}

/// The error parts of a reference result evaluated in Tracked.
template <class Result>
NamedArrays<Real> named_errors(const Result& r) {
  NamedArrays<Real> out;
  out.emplace("loss", errors_of(r.loss));
  out.emplace("grad_input", errors_of(r.grad_input));
  out.emplace("grad_target", errors_of(r.grad_target));
  return out;
}

/// The output buffers a fast kernel fills for inputs of `shape`: the loss shaped
/// like the input for reduction none, else one value.
template <class T>
struct LossBuffers {
  LossBuffers(const Shape& input_shape, spec::Reduction r)
      : shape(input_shape),
        loss_shape(r == spec::Reduction::none ? input_shape : Shape{}),
        loss(static_cast<std::size_t>(element_count(loss_shape))),
        grad_input(static_cast<std::size_t>(element_count(input_shape))),
        grad_target(grad_input.size()) {}

  NamedArrays<double> named() const {
    NamedArrays<double> out;
    out.emplace("loss", widened<T>(loss_shape, loss));
    out.emplace("grad_input", widened<T>(shape, grad_input));
    out.emplace("grad_target", widened<T>(shape, grad_target));
    return out;
  }

  Shape shape, loss_shape;
  std::vector<T> loss, grad_input, grad_target;
};

/// A plain loop's outputs: its per-element `losses` for reduction none, else
/// `reduced` (the loop's own sum or mean).
template <class T>
NamedArrays<double> loop_outputs(const Shape& shape, spec::Reduction r, const std::vector<T>& losses, T reduced,
                                 const std::vector<T>& grad_input, const std::vector<T>& grad_target) {
  NamedArrays<double> out;
  if (r == spec::Reduction::none)
    out.emplace("loss", widened<T>(shape, losses));
  else
    out.emplace("loss", Array<double>(Shape{}, std::vector<double>{static_cast<double>(reduced)}));
  out.emplace("grad_input", widened<T>(shape, grad_input));
  out.emplace("grad_target", widened<T>(shape, grad_target));
  return out;
}

}  // namespace gradref::catalog
