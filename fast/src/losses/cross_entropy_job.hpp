#pragma once
// What the per-target cross-entropy code receives, already validated.
#include <cstdint>

namespace gradref::fast::detail {

template <class T>
struct CrossEntropyJob {
  const T* logits;              ///< [N, C, inner]
  const std::int64_t* indices;  ///< [N, inner] class indices, or nullptr for probability targets
  const T* probabilities;       ///< [N, C, inner], or nullptr for index targets
  const T* weight;              ///< [C], or nullptr: every weight 1
  T* row_loss;                  ///< one per position (N * inner)
  T* grad;                      ///< [N, C, inner]
  T* grad_target;               ///< [N, C, inner] for probability targets, else nullptr
  std::int64_t positions;       ///< N * inner
  std::int64_t classes;
  std::int64_t inner;
  std::int64_t ignore_index;
  bool smoothing;  ///< label smoothing > 0
  T keep;          ///< 1 - eps, computed in double and rounded to T
  T spread;        ///< eps / C, likewise
  bool scaled;     ///< mean: gradients times scale
  T scale;         ///< 1 / (total weight or count)
};

}  // namespace gradref::fast::detail
