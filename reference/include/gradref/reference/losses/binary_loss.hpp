#pragma once
// What bce and bce_with_logits share in the reference: the message text of a
// refused value, the weight and the mean's scale on each element, and the
// reduction, in the fast kernels' order (a sum(span) of the per-element losses, the
// blocked-pairwise structure of fast/reduction.hpp under the fast rounding model,
// then one division by the element count for the mean).
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gradref/reference/array.hpp"
#include "gradref/reference/math.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"
#include "gradref/spec/reduction.hpp"

namespace gradref::reference {

inline std::string value_text(const Real& x) { return to_decimal(x, 17); }
inline std::string value_text(const Tracked& x) { return to_decimal(x.value(), 17); }

/// Element i's loss and gradients times its weight (when there are weights), then
/// the gradients times the mean's 1/n (when `scaled`): the kernels' order.
template <class T>
void weigh_and_scale(const Array<T>* weight, std::int64_t i, bool scaled, const T& scale, T& loss, T& grad_input,
                     T& grad_target) {
  if (weight) {
    const T& w = (*weight)[i];
    loss = loss * w;
    grad_input = grad_input * w;
    grad_target = grad_target * w;
  }
  if (scaled) {
    grad_input = grad_input * scale;
    grad_target = grad_target * scale;
  }
}

template <class T>
Array<T> reduce_binary_loss(spec::Reduction r, const Shape& shape, std::vector<T> losses) {
  if (r == spec::Reduction::none) return Array<T>(shape, std::move(losses));
  T total = sum(std::span<const T>(losses));
  if (r == spec::Reduction::mean) total = total / T(static_cast<double>(losses.size()));
  return Array<T>(Shape{}, std::vector<T>{total});
}

}  // namespace gradref::reference
