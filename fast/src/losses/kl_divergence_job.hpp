#pragma once
// What the per-target KL divergence code receives, already validated.
#include <cstdint>

namespace gradref::fast::detail {

template <class T>
struct KlDivergenceJob {
  const T* p;      ///< rows * classes
  const T* q;      ///< rows * classes
  T* terms;        ///< rows * classes for reduction none, else null
  T* row_sum;      ///< rows
  T* grad_p;       ///< rows * classes
  T* grad_q;       ///< rows * classes
  std::int64_t rows;
  std::int64_t classes;
  bool p_log;      ///< p holds log-probabilities
  bool q_log;      ///< q holds log-probabilities
  T scale;         ///< 1/divisor rounded to T for mean and batchmean
  bool scaled;     ///< false when scale is 1
  bool clip;       ///< clip p and q to [clip_low, clip_high] (both prob)
  T clip_low;      ///< exact in T
  T clip_high;     ///< exact in T
};

}  // namespace gradref::fast::detail
