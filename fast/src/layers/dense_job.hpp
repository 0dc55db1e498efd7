#pragma once
// The job each per-target dense kernel receives.
#include "gradref/spec/dense.hpp"

namespace gradref::fast::detail {

template <class T>
struct DenseJob {
  const T* input;        ///< [N, in]
  const T* weight;       ///< in `layout`
  const T* bias;         ///< [out], or null
  const T* grad_output;  ///< [N, out]
  T* output;             ///< [N, out]
  T* grad_input;         ///< [N, in]
  T* grad_weight;        ///< W's layout
  T* grad_bias;          ///< [out], or null
  spec::WeightLayout layout;
  spec::AffineDims dims;
};

}  // namespace gradref::fast::detail
