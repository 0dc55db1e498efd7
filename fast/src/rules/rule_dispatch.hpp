#pragma once
// The HWY_ONCE half every fast rule shares. A rule describes itself by specialising
// RuleTraits<Spec>:
//   template <class T> static std::vector<Params<T>> per_step(const Spec&, RuleBuffers<T>&, std::int64_t steps);
//     // the per-step scalars, computed in double from the spec, the step counter
//     // (and the buffers' scalars, which it may advance); called after validation
//   template <class T> static void check(const Spec&, const RuleBuffers<T>&);  // optional, beyond checked_steps
// and gets from here the single-tensor step (step_one) and the multi-tensor step
// (step_groups); both cut one static partition of the elements into RuleJob pieces
// and hand each to the rule's dispatched `run` (found by argument-dependent lookup).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gradref/fast/rules/multi_tensor.hpp"
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/fast/threads.hpp"
#include "rules/rule_job.hpp"

namespace gradref::fast::detail {

template <class Spec>
struct RuleTraits;

template <class Spec, class T>
using RuleParams = typename decltype(RuleTraits<Spec>::per_step(std::declval<const Spec&>(),
                                                                 std::declval<RuleBuffers<T>&>(), 0))::value_type;

/// spec::validate must already have passed: the step count of `b` under `s`.
template <class Spec, class T>
std::int64_t checked_tensor(const Spec& s, const RuleBuffers<T>& b) {
  const std::int64_t steps = checked_steps(Spec::op, spec::slots(s), b);
  if constexpr (requires { RuleTraits<Spec>::check(s, b); }) RuleTraits<Spec>::check(s, b);
  return steps;
}

template <class T, class Params>
RuleJob<T, Params> make_job(const RuleBuffers<T>& b, std::int64_t steps, bool maximize, const Params* per_step) {
  RuleJob<T, Params> job;
  job.arrays[0] = b.param.data();
  job.count = 1 + static_cast<int>(b.slots.size());
  for (std::size_t i = 0; i < b.slots.size(); ++i) job.arrays[i + 1] = b.slots[i].data();
  job.grads = b.grads.data();
  job.n = static_cast<std::int64_t>(b.param.size());
  job.steps = steps;
  job.maximize = maximize;
  job.per_step = per_step;
  return job;
}

/// One parallel_for over the concatenation of the jobs' elements (static partition,
/// threads.cpp); each thread's range is cut at tensor boundaries into pieces. A
/// kernel's result for an element does not depend on where its piece starts or ends
/// (elementwise_rule-inl.h), so the bits are those of each job run alone.
template <class T, class Params>
void run_jobs(std::span<const RuleJob<T, Params>> jobs) {
  std::vector<std::int64_t> starts(jobs.size() + 1, 0);
  for (std::size_t j = 0; j < jobs.size(); ++j) starts[j + 1] = starts[j] + jobs[j].n;
  parallel_for(starts.back(), kRuleGrain, [&](std::int64_t begin, std::int64_t end) {
    // The last job starting at or before `begin` holds it (empty jobs share a start).
    std::size_t j = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), begin) - starts.begin()) - 1;
    for (; j < jobs.size() && starts[j] < end; ++j) {
      RuleJob<T, Params> piece = jobs[j];
      piece.begin = std::max(begin, starts[j]) - starts[j];
      piece.end = std::min(end, starts[j + 1]) - starts[j];
      if (piece.begin < piece.end) run(piece);  // the rule's dispatched entry point
    }
  });
}

template <class Spec, class T>
void step_one(const Spec& s, RuleBuffers<T>& b) {
  spec::validate(s);
  const std::int64_t steps = checked_tensor(s, b);
  const auto per_step = RuleTraits<Spec>::per_step(s, b, steps);
  const auto job = make_job(b, steps, s.maximize, per_step.data());
  run_jobs(std::span(&job, 1));
  b.step += steps;
}

/// Runs `f`; an InvalidInput it throws comes back with "groups[g]." (and
/// "tensors[t]." when t >= 0) before its field. No string is built unless it throws.
template <class F>
void naming(std::size_t g, std::ptrdiff_t t, F&& f) {
  try {
    f();
  } catch (const InvalidInput& e) {
    std::string where = "groups[" + std::to_string(g) + "].";
    if (t >= 0) where += "tensors[" + std::to_string(t) + "].";
    throw InvalidInput(e.op(), where + e.field(), e.value(), e.expected());
  }
}

template <class Spec, class T>
void step_groups(std::span<RuleGroup<Spec, T>> groups) {
  using Params = RuleParams<Spec, T>;
  // Everything is checked before anything changes.
  std::vector<std::int64_t> steps;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    naming(g, -1, [&] { spec::validate(groups[g].spec); });
    for (std::size_t t = 0; t < groups[g].tensors.size(); ++t)
      naming(g, static_cast<std::ptrdiff_t>(t),
             [&] { steps.push_back(checked_tensor(groups[g].spec, groups[g].tensors[t])); });
  }
  // Per-step scalars once per group and step counter: tensors that agree on the
  // counter (and carry no scalars of their own, which per_step may read) share them.
  std::vector<std::vector<Params>> scalars;
  std::vector<RuleJob<T, Params>> jobs;
  jobs.reserve(steps.size());
  std::size_t i = 0;
  for (RuleGroup<Spec, T>& group : groups) {
    const RuleBuffers<T>* previous = nullptr;
    for (RuleBuffers<T>& b : group.tensors) {
      const bool shared = previous != nullptr && previous->scalars.empty() && b.scalars.empty() &&
                          previous->step == b.step && steps[i - 1] == steps[i];
      if (!shared) scalars.push_back(RuleTraits<Spec>::per_step(group.spec, b, steps[i]));
      jobs.push_back(make_job(b, steps[i], group.spec.maximize, scalars.back().data()));
      previous = &b;
      ++i;
    }
  }
  run_jobs(std::span<const RuleJob<T, Params>>(jobs));
  i = 0;
  for (RuleGroup<Spec, T>& group : groups)
    for (RuleBuffers<T>& b : group.tensors) b.step += steps[i++];
}

}  // namespace gradref::fast::detail

namespace gradref::fast {

// Instantiated, per spec and type, in the rule's translation unit.
template <class Spec, class T>
void step(std::span<RuleGroup<Spec, T>> groups) {
  detail::step_groups(groups);
}

}  // namespace gradref::fast
