#pragma once
// What the per-target negative log-likelihood code receives, already validated.
#include <cstdint>

#include "gradref/spec/class_targets.hpp"

namespace gradref::fast::detail {

template <class T>
struct NllJob {
  const T* input;                ///< [N, C, d1..dk]
  const std::int64_t* target;    ///< layout.positions()
  const T* weight;               ///< C class weights, or null (every weight 1)
  spec::ClassLayout layout;
  std::int64_t ignore_index;
  T* terms;                      ///< positions, for reduction none; else null
  T* block_terms;                ///< one sum of terms per block of sum_block positions, else null
  T* block_weights;              ///< one sum of weights per block (mean with weight), else null
  T* grad;                       ///< input's size, zero already
  bool scatter_now;              ///< write -w to the gradient in the first pass (none, sum)
};

}  // namespace gradref::fast::detail
