#pragma once
// An activation's per-call scalars as the per-target code of activation-inl.h reads
// them: a plain struct, so that any kernel (the activation op, the MLP's fused
// bias and activation) can carry one in its job.
#include "gradref/spec/activation.hpp"

namespace gradref::fast::detail {

struct ActivationParams {
  spec::ActivationFunction function = spec::ActivationFunction::identity;
  double negative_slope = 0.01;         ///< leaky_relu
  double beta = 1.0;                    ///< softplus (1: no multiplication, no division)
  double threshold = 20.0;              ///< softplus, compared with beta x when use_threshold
  bool use_threshold = true;            ///< softplus
  bool relu_right_at_zero = false;      ///< relu's f'(0): 1 if set, else 0
  bool leaky_relu_right_at_zero = false;  ///< leaky_relu's f'(0): 1 if set, else negative_slope
};

inline ActivationParams activation_params(const spec::Activation& s) {
  return {s.function,
          s.negative_slope,
          s.beta,
          s.threshold,
          s.use_threshold,
          s.relu_derivative_at_zero == spec::KinkSide::right,
          s.leaky_relu_derivative_at_zero == spec::KinkSide::right};
}

/// The double nearest to each irrational or decimal constant of the activations;
/// a float kernel rounds it once more (reference/layers/activation_fn.hpp's `held`).
inline constexpr double kSqrtHalf = 0.70710678118654752440084436210484903928;      // 1/sqrt(2)
inline constexpr double kInvSqrtTwoPi = 0.39894228040143267793994605993438186848;  // 1/sqrt(2 pi)
inline constexpr double kSqrtTwoOverPi = 0.79788456080286535587989211986876373695;  // sqrt(2/pi)
inline constexpr double kGeluTanhCubic = 0.044715;
inline constexpr double kGeluTanhCubic3 = 3.0 * kGeluTanhCubic;  // rounded once in double

}  // namespace gradref::fast::detail
