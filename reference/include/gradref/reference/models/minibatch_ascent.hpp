#pragma once
// Mini-batch gradient ascent on the autoregressive model's log-likelihood with early
// stopping (docs/models/training.md):
//   theta <- theta + eta_t grad L(theta | B_t),   t = 0, 1, 2, ... counting steps,
// eta_t from a learning-rate schedule (spec/schedule.hpp), the batches B_t the
// consecutive runs of batch_size examples (the last one shorter when batch_size
// does not divide M) of a fresh Fisher-Yates permutation of the training set each
// epoch (batch_sampler.hpp). After each epoch (and for the initial parameters, epoch
// 0) the mean log-likelihood of the training and validation sets is evaluated;
// training stops when the validation log-likelihood has not strictly improved on its
// best for `patience` consecutive epochs, or after max_epochs, and returns the
// parameters of the best epoch.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "gradref/reference/array.hpp"
#include "gradref/spec/schedule.hpp"

namespace gradref::reference {

struct AscentOptions {
  std::int64_t batch_size = 8;  ///< >= 1
  spec::Schedule schedule;      ///< eta_t at the step index t
  std::uint64_t seed = 0;       ///< the sampler's seed
  std::int64_t max_epochs = 100;  ///< >= 1
  std::int64_t patience = 5;      ///< >= 1: epochs without improvement before stopping
};

template <class T>
struct EpochReport {
  std::int64_t epoch = 0;  ///< 0: the initial parameters
  std::int64_t steps = 0;  ///< ascent steps taken so far
  T train_log_likelihood;
  T validation_log_likelihood;
  T best_validation_log_likelihood;
  std::int64_t best_epoch = 0;
};

enum class StopReason { patience, max_epochs };

template <class T>
struct AscentResult {
  Array<T> a, W;  ///< the parameters of the best epoch
  std::int64_t best_epoch = 0;
  StopReason stop = StopReason::max_epochs;
  std::vector<EpochReport<T>> history;  ///< epochs 0, 1, ..., the last one run
};

/// A binary data set: `shape` [M, D], rows of 0/1 values.
struct BinaryData {
  Shape shape;
  std::span<const std::int64_t> data;
};

/// Trains from (a, W); `progress` (may be empty) is called after each epoch's evaluation.
/// Validates the options (field names as AscentOptions'), shapes and values.
template <class T>
AscentResult<T> minibatch_ascent(const AscentOptions& options, Array<T> a, Array<T> W, BinaryData train,
                                 BinaryData validation, const std::function<void(const EpochReport<T>&)>& progress);

}  // namespace gradref::reference
