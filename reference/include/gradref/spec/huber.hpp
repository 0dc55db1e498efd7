#pragma once
// Huber loss between input x and target y, elementwise, with d = x - y:
//   loss_i = 0.5 d^2                  if |d| < delta
//          = delta (|d| - 0.5 delta)  otherwise
//   d loss_i / d x_i = clamp(d, -delta, delta) = -d loss_i / d y_i
// reduced by `reduction`: none (loss shaped like x), sum, or mean (divide by the
// element count n, gradients scaled by 1/n too). Both branches agree at |d| = delta
// in value and slope, so the loss is C^1 and has no kink; PyTorch's branch test is
// |d| < delta. PyTorch's smooth_l1_loss(beta) is huber(delta = beta) / beta.
#include <array>
#include <cmath>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/pointwise_loss.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

struct Huber {
  static constexpr const char* op = "huber";

  Reduction reduction = Reduction::mean;
  double delta = 1.0;

  template <class V>
  void describe(V& v) {
    v.choice("reduction", reduction, reduction_alternatives,
             "mean: divide the summed loss by the element count; sum; none: one loss per element");
    v.number("delta", delta, "where the loss turns from quadratic to linear in |input - target|; finite, > 0");
  }
};

inline void validate(const Huber& s) {
  require(std::isfinite(s.delta) && s.delta > 0, Huber::op, "delta", format_double(s.delta), "a finite number > 0");
}

/// torch.nn.functional.huber_loss (reduction 'mean', delta 1.0).
inline constexpr std::array<Preset<Huber>, 1> huber_presets{{
    {"pytorch",
     "torch/nn/functional.py huber_loss; aten/src/ATen/native/cpu/BinaryOpsKernel.cpp huber_kernel, "
     "aten/src/ATen/native/cpu/PointwiseOpsKernel.cpp huber_backward_cpu_kernel; PyTorch 2.x",
     [](Huber& s) { s = Huber{}; }},
}};
inline const auto& presets_of(const Huber*) { return huber_presets; }

}  // namespace gradref::spec
