#pragma once
// Definition of reference::bce (instantiated in reference/src). Per element, in
// the fast kernel's order, with q = 1 - p and ny = 1 - y:
//   clip: inside = clip_low <= p <= clip_high, p = min(max(p, clip_low), clip_high)
//   (exact; the defaults [0, 1] change nothing) and p means the clipped p below
//   lp = log p,  lq = log(1 - p)  (log1m: exact in Real, 1 - p rounded in Tracked)
//   clamp_log:  lp = max(lp, floor), lq = max(lq, floor)
//   loss = -(pos + neg) * w,  pos = y lp (0 at y = 0),  neg = ny lq (0 at y = 1)
//   grad_input  = ((ny / q) - (y / p)) * w * scale
//   grad_target = (lq - lp) * w * scale
//   grad_input = 0 where p is outside the clip (TensorFlow's clip_by_value gradient)
// Under the clamp a clamped log does not depend on p: its term of grad_input is 0
// (the derivative of the clamped loss). Where it is not clamped, that term is the
// log's derivative. The kernel decides "clamped" on its computed log; the
// reference on the exact one (docs/losses/bce.md says where they can differ).
// log of an exact 0 is -inf in the kernel (selected, since Highway's Log does not
// return -inf at 0); with the clamp the result is the floor exactly, written here
// as a branch so that the error analysis sees an exact floor.
#include <vector>

#include "gradref/reference/losses/bce.hpp"
#include "gradref/reference/losses/binary_loss.hpp"

namespace gradref::reference {

template <class T>
BinaryLossResult<T> bce(const spec::Bce& s, const Array<T>& input, const Array<T>& target, const Array<T>* weight) {
  using std::log;
  spec::validate(s);
  const std::int64_t n = spec::binary_loss_size(spec::Bce::op, input.shape(), target.shape(),
                                                weight ? &weight->shape() : nullptr);
  spec::check_bce_values(input.span(), target.span(), weight ? weight->span() : std::span<const T>(),
                         [](const T& x) { return value_text(x); });

  const bool clamp = s.clamp_log;
  const T floor(s.log_floor);
  const T clip_low(s.clip_low), clip_high(s.clip_high);
  const bool scaled = s.reduction == spec::Reduction::mean && n > 1;
  const T scale = T(1.0) / T(static_cast<double>(n));
  std::vector<T> losses;
  losses.reserve(static_cast<std::size_t>(n));
  Array<T> grad_input(input.shape(), T(0.0)), grad_target(input.shape(), T(0.0));

  for (std::int64_t i = 0; i < n; ++i) {
    const bool inside = input[i] >= clip_low && input[i] <= clip_high;
    // min(max(p, lo), hi) through maximum, so that Tracked keeps the input's format.
    const T p = -maximum(-maximum(input[i], clip_low), -clip_high);
    const T& y = target[i];
    const T q = T(1.0) - p;
    T lp = T(0.0), lq = T(0.0);
    bool p_live = true, q_live = true;  // the log's term depends on p (not clamped)
    if (clamp) {
      if (p == T(0.0)) {
        lp = floor;
        p_live = false;
      } else {
        lp = log(p);
        p_live = lp > floor;
        lp = maximum(lp, floor);
      }
      if (q == T(0.0)) {
        lq = floor;
        q_live = false;
      } else {
        lq = log1m(p);
        q_live = lq > floor;
        lq = maximum(lq, floor);
      }
    } else {
      lp = log(p);
      lq = log1m(p);
    }
    const T ny = T(1.0) - y;
    const T pos = y == T(0.0) ? T(0.0) : y * lp;
    const T neg = ny == T(0.0) ? T(0.0) : ny * lq;
    T loss = -(pos + neg);
    const T gp = (y == T(0.0) || !p_live) ? T(0.0) : y / p;
    const T gq = (ny == T(0.0) || !q_live) ? T(0.0) : ny / q;
    T gi = inside ? gq - gp : T(0.0);
    T gt = lq - lp;
    weigh_and_scale(weight, i, scaled, scale, loss, gi, gt);
    losses.push_back(loss);
    grad_input[i] = gi;
    grad_target[i] = gt;
  }
  return {reduce_binary_loss(s.reduction, input.shape(), std::move(losses)), std::move(grad_input),
          std::move(grad_target)};
}

}  // namespace gradref::reference
