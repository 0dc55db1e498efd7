#pragma once
// The HWY_ONCE half of bfloat16 mixed precision, shared by every rule: validates
// like step_one (rule_dispatch.hpp), computes the float32 per-step scalars with the
// rule's own RuleTraits (which read only the step counter and the scalar state), and
// cuts the same static partition into MixedRuleJob pieces for the rule's dispatched
// `run` overload (found by argument-dependent lookup).
#include <cstdint>
#include <vector>

#include "gradref/fast/rules/mixed_precision.hpp"
#include "gradref/fast/threads.hpp"
#include "rules/mixed_rule_job.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast::detail {

template <class Spec>
void step_mixed(const Spec& s, MixedRuleBuffers& b) {
  spec::validate(s);
  const std::int64_t steps = checked_steps(Spec::op, spec::slots(s), b);
  // What RuleTraits reads of a tensor: the counter and the scalar state (float32).
  RuleBuffers<float> counter{{}, {}, {}, b.scalars, b.step};
  if constexpr (requires { RuleTraits<Spec>::check(s, counter); }) RuleTraits<Spec>::check(s, counter);
  const auto per_step = RuleTraits<Spec>::per_step(s, counter, steps);
  MixedRuleJob<typename decltype(per_step)::value_type> job;
  job.param = reinterpret_cast<std::uint16_t*>(b.param.data());  // bfloat16 is its bits
  job.master = b.master.empty() ? nullptr : b.master.data();
  job.count = 1 + static_cast<int>(b.slots.size());
  for (std::size_t i = 0; i < b.slots.size(); ++i) job.slots[i + 1] = b.slots[i].data();
  job.grads = reinterpret_cast<const std::uint16_t*>(b.grads.data());
  job.n = static_cast<std::int64_t>(b.param.size());
  job.steps = steps;
  job.maximize = s.maximize;
  job.per_step = per_step.data();
  parallel_for(job.n, kRuleGrain, [&job](std::int64_t begin, std::int64_t end) {
    auto piece = job;
    piece.begin = begin;
    piece.end = end;
    run(piece);
  });
  b.step += steps;
}

}  // namespace gradref::fast::detail
