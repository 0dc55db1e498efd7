#pragma once
// What a fast update rule's per-target code receives: flat buffers (param first,
// then the rule's state arrays in spec::slots order) and one parameter block per
// step, holding every scalar the step needs already computed in double and rounded
// to T (bias corrections, schedules), so no element recomputes them. A job steps
// elements [begin, end) of its arrays: the generic half (rule_dispatch.hpp) cuts one
// partition of all its jobs' elements into such pieces, so the per-target code never
// sees threads or lists of tensors.
#include <array>
#include <cstdint>

namespace gradref::fast::detail {

/// param plus at most four state arrays (AMSGrad Adam has three).
inline constexpr int kMaxRuleArrays = 5;
/// Below this many elements per thread, a thread costs more than it saves.
inline constexpr std::int64_t kRuleGrain = 1 << 15;

template <class T, class Params>
struct RuleJob {
  std::array<T*, kMaxRuleArrays> arrays{};  ///< [0] param, then the slots
  int count = 1;                            ///< arrays in use
  const T* grads = nullptr;                 ///< steps * n
  std::int64_t n = 0;                       ///< elements per array (and per gradient)
  std::int64_t begin = 0, end = 0;          ///< the elements this call steps, within [0, n)
  std::int64_t steps = 0;
  bool maximize = false;            ///< negate each gradient (exactly) before the rule sees it
  const Params* per_step = nullptr;  ///< steps entries
};

}  // namespace gradref::fast::detail
