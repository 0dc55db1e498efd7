#pragma once
// Mean squared error between input x and target y, elementwise over any shape:
//   loss_i = (x_i - y_i)^2
//   d loss_i / d x_i = 2 (x_i - y_i) = -d loss_i / d y_i
// reduced by `reduction`: none (loss shaped like x), sum, or mean (divide by the
// element count n, gradients scaled by 1/n too).
#include <array>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/pointwise_loss.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

struct Mse {
  static constexpr const char* op = "mse";

  Reduction reduction = Reduction::mean;

  template <class V>
  void describe(V& v) {
    v.choice("reduction", reduction, reduction_alternatives,
             "mean: divide the summed loss by the element count; sum; none: one loss per element");
  }
};

inline void validate(const Mse&) {}

/// torch.nn.functional.mse_loss (reduction 'mean').
inline constexpr std::array<Preset<Mse>, 1> mse_presets{{
    {"pytorch", "torch/nn/functional.py mse_loss; aten/src/ATen/native/Loss.cpp mse_loss, mse_loss_backward; PyTorch 2.x",
     [](Mse& s) { s = Mse{}; }},
}};
inline const auto& presets_of(const Mse*) { return mse_presets; }

}  // namespace gradref::spec
