#pragma once
// What a rule's per-target code receives for bfloat16 mixed precision
// (gradref/fast/rules/mixed_precision.hpp): bf16 param and gradients as raw bits,
// float32 state, an optional float32 master, and the float32 rule's per-step
// parameter blocks unchanged.
#include <array>
#include <cstdint>

#include "rules/rule_job.hpp"

namespace gradref::fast::detail {

template <class Params>
struct MixedRuleJob {
  std::uint16_t* param = nullptr;            ///< bfloat16 bits
  float* master = nullptr;                   ///< nullptr: none
  std::array<float*, kMaxRuleArrays> slots{};  ///< [0] unused (param's place), then the slots
  int count = 1;                             ///< param plus its slots
  const std::uint16_t* grads = nullptr;      ///< steps * n bfloat16 bits
  std::int64_t n = 0;
  std::int64_t begin = 0, end = 0;           ///< the elements this call steps, within [0, n)
  std::int64_t steps = 0;
  bool maximize = false;
  const Params* per_step = nullptr;
};

}  // namespace gradref::fast::detail
