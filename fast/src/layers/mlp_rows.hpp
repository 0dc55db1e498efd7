#pragma once
// The job of the MLP's per-target row passes (fast/src/layers/mlp.cpp).
#include <cstdint>

#include "layers/activation_params.hpp"

namespace gradref::fast::detail {

/// Rows [begin, end), columns [col_begin, col_end) of [rows, width] arrays. Forward:
/// s += b (b may be null), then x = sigma(s). Backward: g = dx * sigma'(s).
template <class T>
struct MlpRowsJob {
  T* s;
  const T* b;
  T* x;
  const T* dx;
  T* g;
  std::int64_t begin;
  std::int64_t end;
  std::int64_t col_begin;
  std::int64_t col_end;
  std::int64_t width;
  ActivationParams params;
};

}  // namespace gradref::fast::detail
