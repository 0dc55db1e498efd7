#pragma once
// The HWY_ONCE half every fast rule shares: builds the RuleJob from the caller's
// buffers and the per-step parameters, runs it through the rule's dispatched
// `run`, and advances the step counter.
#include <cstdint>
#include <vector>

#include "gradref/fast/rules/rule_buffers.hpp"
#include "rules/rule_job.hpp"

namespace gradref::fast::detail {

template <class T, class Params>
void run_rule(RuleBuffers<T>& b, std::int64_t steps, bool maximize, const std::vector<Params>& per_step) {
  RuleJob<T, Params> job;
  job.arrays[0] = b.param.data();
  job.count = 1 + static_cast<int>(b.slots.size());
  for (std::size_t i = 0; i < b.slots.size(); ++i) job.arrays[i + 1] = b.slots[i].data();
  job.grads = b.grads.data();
  job.n = static_cast<std::int64_t>(b.param.size());
  job.steps = steps;
  job.maximize = maximize;
  job.per_step = per_step.data();
  if (job.n > 0) run(job);  // the rule's dispatched entry point, found by lookup
  b.step += steps;
}

}  // namespace gradref::fast::detail
