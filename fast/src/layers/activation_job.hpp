#pragma once
// What the per-target activation kernel (activation.cpp) receives.
#include <cstdint>

#include "layers/activation_params.hpp"

namespace gradref::fast::detail {

template <class T>
struct ActivationJob {
  const T* input;
  const T* grad_output;
  T* output;
  T* grad_input;
  std::int64_t n;
  ActivationParams params;
  bool gelu_tanh;  ///< the op gelu_tanh (params unused)
};

}  // namespace gradref::fast::detail
