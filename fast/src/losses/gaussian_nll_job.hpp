#pragma once
// What the per-target Gaussian NLL code receives, already validated. Its own job
// (not pointwise_loss.hpp's) because of the third input, var, and the fourth
// output, grad_var.
#include <cstdint>

namespace gradref::fast::detail {

template <class T>
struct GaussianNllJob {
  const T* input;   ///< n
  const T* target;  ///< n
  const T* var;     ///< n, or null when the variance is fixed
  T* loss;          ///< n per-element losses for reduction none, else null
  T* block_sums;    ///< block_count(n) block sums for sum and mean, else null
  T* grad_input;    ///< n
  T* grad_target;   ///< n
  T* grad_var;      ///< n, or null when the variance is fixed
  std::int64_t n;
  T scale;           ///< 1 / n rounded to T, for the mean's grad_input
  bool scaled;       ///< reduction mean
  T half_scale;      ///< 0.5, or 0.5 / n rounded to T for the mean: grad_var's factor
  T eps;             ///< eps rounded to T: v = max(var, eps)
  T live_from;       ///< the smallest T >= eps: var >= live_from exactly when var >= eps
  bool zero_below_eps;  ///< grad_var = 0 where var < eps
  T fixed_v;         ///< sigma^2 (in double) rounded to T, when the variance is fixed
  bool full;         ///< add half_log_two_pi to each loss
  T half_log_two_pi;  ///< 0.5 log(2 pi) as a double constant, rounded to T
};

}  // namespace gradref::fast::detail
