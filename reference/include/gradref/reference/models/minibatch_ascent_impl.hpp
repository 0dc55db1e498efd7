#pragma once
// Definition of reference::minibatch_ascent (instantiated for Real in reference/src).
#include <numeric>
#include <string>
#include <utility>

#include "gradref/reference/models/autoregressive.hpp"
#include "gradref/reference/models/batch_sampler.hpp"
#include "gradref/reference/models/minibatch_ascent.hpp"
#include "gradref/reference/schedules/schedule.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::reference {

namespace ascent_detail {

inline void require_at_least_one(std::int64_t value, const char* field) {
  if (value < 1) throw InvalidInput("train", field, std::to_string(value), "an integer >= 1");
}

}  // namespace ascent_detail

template <class T>
AscentResult<T> minibatch_ascent(const AscentOptions& options, Array<T> a, Array<T> W, BinaryData train,
                                 BinaryData validation, const std::function<void(const EpochReport<T>&)>& progress) {
  ascent_detail::require_at_least_one(options.batch_size, "batch_size");
  ascent_detail::require_at_least_one(options.max_epochs, "max_epochs");
  ascent_detail::require_at_least_one(options.patience, "patience");
  spec::validate(options.schedule);
  const spec::Autoregressive model;
  const std::int64_t d = a.shape().empty() ? 0 : a.shape()[0];

  AscentResult<T> result;
  auto evaluate = [&](std::int64_t epoch, std::int64_t steps) {
    const T train_ll = autoregressive(model, a, W, train.shape, train.data).log_likelihood;
    const T validation_ll = autoregressive(model, a, W, validation.shape, validation.data).log_likelihood;
    const bool improved = result.history.empty() || validation_ll > result.history.back().best_validation_log_likelihood;
    if (improved) {
      result.a = a;
      result.W = W;
      result.best_epoch = epoch;
    }
    const T best = improved ? validation_ll : result.history.back().best_validation_log_likelihood;
    result.history.push_back({epoch, steps, train_ll, validation_ll, best, result.best_epoch});
    if (progress) progress(result.history.back());
  };

  evaluate(0, 0);
  const std::int64_t m = train.shape[0];
  std::vector<std::int64_t> order(static_cast<std::size_t>(m));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::vector<std::int64_t> batch;
  SplitMix64 rng(options.seed);
  std::int64_t step = 0;
  for (std::int64_t epoch = 1; epoch <= options.max_epochs; ++epoch) {
    shuffle(order, rng);
    for (std::int64_t start = 0; start < m; start += options.batch_size) {
      const std::int64_t end = std::min(m, start + options.batch_size);
      batch.clear();
      for (std::int64_t k = start; k < end; ++k) {
        const std::int64_t* row = train.data.data() + order[static_cast<std::size_t>(k)] * d;
        batch.insert(batch.end(), row, row + d);
      }
      const AutoregressiveResult<T> g =
          autoregressive(model, a, W, Shape{end - start, d}, std::span<const std::int64_t>(batch));
      const T eta = schedule(options.schedule, Array<T>(Shape{1}, std::vector<T>{T(static_cast<double>(step))})).eta[0];
      for (std::int64_t i = 0; i < a.size(); ++i) a[i] += eta * g.grad_a[i];
      for (std::int64_t i = 0; i < W.size(); ++i) W[i] += eta * g.grad_W[i];
      ++step;
    }
    evaluate(epoch, step);
    if (epoch - result.best_epoch >= options.patience) {
      result.stop = StopReason::patience;
      break;
    }
  }
  return result;
}

}  // namespace gradref::reference
