#pragma once
// Mean absolute error (L1 loss) between input x and target y, elementwise:
//   loss_i = |x_i - y_i|
//   d loss_i / d x_i = sign(x_i - y_i) = -d loss_i / d y_i, with sign(0) = 0
// reduced by `reduction`: none (loss shaped like x), sum, or mean (divide by the
// element count n, gradients scaled by 1/n too). At a tie x_i = y_i the loss has a
// kink; the gradient reported there is the subgradient 0, PyTorch's sign(0).
#include <array>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/pointwise_loss.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

struct L1 {
  static constexpr const char* op = "l1";

  Reduction reduction = Reduction::mean;

  template <class V>
  void describe(V& v) {
    v.choice("reduction", reduction, reduction_alternatives,
             "mean: divide the summed loss by the element count; sum; none: one loss per element");
  }
};

inline void validate(const L1&) {}

/// torch.nn.functional.l1_loss (reduction 'mean'); backward sign(x - y), sign(0) = 0.
inline constexpr std::array<Preset<L1>, 1> l1_presets{{
    {"pytorch", "torch/nn/functional.py l1_loss; aten/src/ATen/native/Loss.cpp; autograd sgn(0) = 0; PyTorch 2.x",
     [](L1& s) { s = L1{}; }},
}};
inline const auto& presets_of(const L1*) { return l1_presets; }

}  // namespace gradref::spec
