#pragma once
// What bce and bce_with_logits share in the reference: the message text of a
// refused value and the reduction, in the fast kernels' order (a sum(span) of the
// per-element losses, the blocked-pairwise structure of fast/reduction.hpp under
// the fast rounding model, then one division by the element count for the mean).
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

template <class T>
Array<T> reduce_binary_loss(spec::Reduction r, const Shape& shape, std::vector<T> losses) {
  if (r == spec::Reduction::none) return Array<T>(shape, std::move(losses));
  T total = sum(std::span<const T>(losses));
  if (r == spec::Reduction::mean) total = total / T(static_cast<double>(losses.size()));
  return Array<T>(Shape{}, std::vector<T>{total});
}

}  // namespace gradref::reference
