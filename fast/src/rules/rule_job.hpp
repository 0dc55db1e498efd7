#pragma once
// What a fast update rule's per-target code receives: flat buffers (param first,
// then the rule's state arrays in spec::slots order) and one parameter block per
// step, holding every scalar the step needs already computed in double and rounded
// to T (bias corrections, schedules), so no element recomputes them.
#include <array>
#include <cstdint>

namespace gradref::fast::detail {

/// param plus at most four state arrays (AMSGrad Adam has three).
inline constexpr int kMaxRuleArrays = 5;

template <class T, class Params>
struct RuleJob {
  std::array<T*, kMaxRuleArrays> arrays{};  ///< [0] param, then the slots
  int count = 1;                            ///< arrays in use
  const T* grads = nullptr;                 ///< steps * n
  std::int64_t n = 0;
  std::int64_t steps = 0;
  bool maximize = false;            ///< negate each gradient (exactly) before the rule sees it
  const Params* per_step = nullptr;  ///< steps entries
};

}  // namespace gradref::fast::detail
