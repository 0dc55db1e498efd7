#pragma once
// bfloat16 mixed precision for the fast update rules, as training code runs them:
// bfloat16 parameters and gradients, float32 state, and optionally a float32 master
// copy of the parameters. Every element is computed in float32 by the same code as
// the float32 rule (RuleBuffers<float>); only the loads and stores differ:
//   with a master:    the rule steps the master; param = bf16(master) after each step
//   without a master: the rule steps bf16 param promoted to float32, and the float32
//                     result is rounded to bfloat16 into param after every step
// (bf16() rounds to nearest, ties to even). The error bounds are in
// docs/error-model.md ("bfloat16 mixed precision").
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gradref/fast/bfloat16.hpp"
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/adadelta.hpp"
#include "gradref/spec/adagrad.hpp"
#include "gradref/spec/adam.hpp"
#include "gradref/spec/adamax.hpp"
#include "gradref/spec/adamw.hpp"
#include "gradref/spec/lion.hpp"
#include "gradref/spec/nadam.hpp"
#include "gradref/spec/radam.hpp"
#include "gradref/spec/rmsprop.hpp"
#include "gradref/spec/sgd.hpp"

namespace gradref::fast {

struct MixedRuleBuffers {
  std::span<bfloat16> param;           ///< written every step; read only without a master
  std::span<const bfloat16> grads;     ///< steps * param.size(), one gradient per step
  std::vector<std::span<float>> slots;  ///< spec::slots(spec) order
  std::span<float> scalars = {};       ///< spec::scalar_slots(spec) order; updated by the call
  std::span<float> master = {};        ///< empty, or param.size() float32 parameters the rule steps
  std::int64_t step = 0;               ///< steps already taken; advanced by the call
};

/// checked_steps on the float32 arrays, and a master, when given, sized like param
/// (InvalidInput(op, "master.shape", ...)).
inline std::int64_t checked_steps(const char* op, const std::vector<const char*>& slot_names,
                                  const MixedRuleBuffers& b) {
  if (!b.master.empty() && b.master.size() != b.param.size())
    throw InvalidInput(op, "master.shape", "[" + std::to_string(b.master.size()) + "]",
                       "[" + std::to_string(b.param.size()) + "] (param's shape) or empty (no master)");
  return checked_steps<MixedRuleBuffers>(op, slot_names, b);
}

/// Validates like the float path (same InvalidInput errors), then steps in place.
void step(const spec::Sgd& spec, MixedRuleBuffers& buffers);
void step(const spec::Adam& spec, MixedRuleBuffers& buffers);
void step(const spec::AdamW& spec, MixedRuleBuffers& buffers);
void step(const spec::Nadam& spec, MixedRuleBuffers& buffers);
void step(const spec::Radam& spec, MixedRuleBuffers& buffers);
void step(const spec::Adamax& spec, MixedRuleBuffers& buffers);
void step(const spec::Lion& spec, MixedRuleBuffers& buffers);
void step(const spec::Adagrad& spec, MixedRuleBuffers& buffers);
void step(const spec::Rmsprop& spec, MixedRuleBuffers& buffers);
void step(const spec::Adadelta& spec, MixedRuleBuffers& buffers);

}  // namespace gradref::fast
