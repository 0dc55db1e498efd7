#pragma once
// What the per-target entropy code receives, already validated.
#include <cstdint>

namespace gradref::fast::detail {

template <class T>
struct EntropyJob {
  const T* p;     ///< rows * classes
  T* row_loss;    ///< rows
  T* grad;        ///< rows * classes
  std::int64_t rows;
  std::int64_t classes;
  bool log_form;  ///< p holds log-probabilities
  T scale;        ///< 1/rows rounded to T for the mean
  bool scaled;    ///< false when scale is 1
};

}  // namespace gradref::fast::detail
