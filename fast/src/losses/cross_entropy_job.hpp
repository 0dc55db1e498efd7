#pragma once
// What the per-target cross-entropy code receives, already validated (but for the
// logits' finiteness, which the kernel checks in its first pass and reports here).
#include <cstdint>
#include <limits>
#include <mutex>

namespace gradref::fast::detail {

/// The first non-finite logit the threads came across (lowest flat index), if any.
class NonFiniteLogit {
 public:
  void record(std::int64_t index, double value) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (index < index_) index_ = index, value_ = value;
  }
  bool found() const { return index_ != std::numeric_limits<std::int64_t>::max(); }
  std::int64_t index() const { return index_; }
  double value() const { return value_; }

 private:
  std::mutex mutex_;
  std::int64_t index_ = std::numeric_limits<std::int64_t>::max();
  double value_ = 0;
};

template <class T>
struct CrossEntropyJob {
  const T* logits;              ///< [N, C, inner]
  const std::int64_t* indices;  ///< [N, inner] class indices, or nullptr for probability targets
  const T* probabilities;       ///< [N, C, inner], or nullptr for index targets
  const T* weight;              ///< [C], or nullptr: every weight 1
  T* row_loss;                  ///< one per position (N * inner)
  T* grad;                      ///< [N, C, inner]; may be logits itself (in place)
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
  NonFiniteLogit* non_finite;

  /// Index targets without smoothing: a single class of mass w_y per row.
  bool single_class() const { return indices != nullptr && !smoothing; }
};

}  // namespace gradref::fast::detail
