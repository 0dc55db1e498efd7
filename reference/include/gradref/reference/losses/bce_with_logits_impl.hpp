#pragma once
// Definition of reference::bce_with_logits (instantiated in reference/src).
//
// loss = w [ (1 - y) x + (1 + (pw - 1) y) softplus(-x) ],  softplus(-x) = l + max(-x, 0),
// l = log1p(exp(-|x|)). With ny = 1 - y, pwy = pw y and lw = ny + pwy (= 1 + (pw - 1) y),
// the max(-x, 0) part cancels against (1 - y) x, leaving
//   loss = lw l + ny |x|  (x >= 0),   lw l + pwy |x|  (x < 0),
// a sum of two non-negative terms for y in [0, 1] and pw >= 0: no cancellation, so
// the float result keeps its relative accuracy and the reference at 256 bits is
// exact where the torch form (1 - y) x + lw softplus(-x) would return 0 for
// x = -1e4, y = 0 (true value e^-1e4). Likewise, with e = exp(-|x|), r = 1 / (1 + e):
//   d loss / dx = lw sigmoid(x) - pwy = (ny - pwy e) r  (x >= 0),  (ny e - pwy) r  (x < 0)
//   d loss / dy = (pw - 1) softplus(-x) - x = (pw - 1) l - |x|  (x >= 0),  pw |x| + (pw - 1) l  (x < 0)
// and without pos_weight (pw = 1, lw = 1): loss = l + (ny or y) |x|, d loss / dy = -x.
// Each is then multiplied by w, and the gradients by 1/N for the mean. The order of
// operations is the fast kernel's; the Tracked instantiation analyses it.
#include <vector>

#include "gradref/reference/losses/bce_with_logits.hpp"
#include "gradref/reference/losses/binary_loss.hpp"

namespace gradref::reference {

template <class T>
BinaryLossResult<T> bce_with_logits(const spec::BceWithLogits& s, const Array<T>& input, const Array<T>& target,
                                    const Array<T>* weight, const Array<T>* pos_weight) {
  using std::abs;
  using std::exp;
  using std::log1p;
  spec::validate(s);
  const auto [n, classes] = spec::bce_with_logits_dims(input.shape(), target.shape(),
                                                       weight ? &weight->shape() : nullptr,
                                                       pos_weight ? &pos_weight->shape() : nullptr);
  spec::check_bce_with_logits_values(input.span(), target.span(),
                                     weight ? weight->span() : std::span<const T>(),
                                     pos_weight ? pos_weight->span() : std::span<const T>(),
                                     [](const T& x) { return value_text(x); });

  const bool scaled = s.reduction == spec::Reduction::mean && n > 1;
  const T scale = T(1.0) / T(static_cast<double>(n));
  std::vector<T> losses;
  losses.reserve(static_cast<std::size_t>(n));
  Array<T> grad_input(input.shape(), T(0.0)), grad_target(input.shape(), T(0.0));

  for (std::int64_t i = 0; i < n; ++i) {
    const T& x = input[i];
    const T& y = target[i];
    const bool nonnegative = x >= T(0.0);
    const T a = abs(x);
    const T e = exp(-a);
    const T l = log1p(e);
    const T ny = T(1.0) - y;
    T loss = T(0.0), gt = T(0.0), pwy = y;
    if (pos_weight) {
      const T& pw = (*pos_weight)[i % classes];
      pwy = pw * y;
      const T lw = ny + pwy;
      loss = lw * l;
      const T pm1 = pw - T(1.0);
      gt = nonnegative ? pm1 * l - a : pw * a + pm1 * l;
    } else {
      loss = l;
      gt = -x;
    }
    loss = loss + (nonnegative ? ny : pwy) * a;
    const T r = T(1.0) / (T(1.0) + e);
    T gi = (nonnegative ? ny - pwy * e : ny * e - pwy) * r;
    weigh_and_scale(weight, i, scaled, scale, loss, gi, gt);
    losses.push_back(loss);
    grad_input[i] = gi;
    grad_target[i] = gt;
  }
  return {reduce_binary_loss(s.reduction, input.shape(), std::move(losses)), std::move(grad_input),
          std::move(grad_target)};
}

}  // namespace gradref::reference
