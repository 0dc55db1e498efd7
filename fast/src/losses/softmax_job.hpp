#pragma once
// What the per-target softmax code receives, already validated.
#include <cstdint>

namespace gradref::fast::detail {

template <class T>
struct SoftmaxJob {
  const T* input;        ///< outer * extent * inner
  const T* grad_output;  ///< same
  T* output;
  T* grad_input;
  std::int64_t outer;   ///< rows are (o, i): element j at (o * extent + j) * inner + i
  std::int64_t extent;  ///< row length
  std::int64_t inner;   ///< row stride
  bool log;             ///< log_softmax, else softmax
};

}  // namespace gradref::fast::detail
