#pragma once
// What the per-target cross-entropy code receives, already validated.
#include <cstdint>

namespace gradref::fast::detail {

template <class T>
struct CrossEntropyJob {
  const T* logits;  ///< rows * classes
  const std::int64_t* target;
  T* row_loss;  ///< rows
  T* grad;      ///< rows * classes
  std::int64_t rows;
  std::int64_t classes;
  T scale;      ///< 1/rows rounded to T for the mean
  bool scaled;  ///< false when scale is 1
};

}  // namespace gradref::fast::detail
