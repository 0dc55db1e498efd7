#pragma once
// Fast learning-rate schedule for float and double: a scalar loop in the order of
// reference/schedules/schedule_impl.hpp (no SIMD: a schedule is a per-step scalar).
#include <span>

#include "gradref/spec/schedule.hpp"

namespace gradref::fast {

/// eta_t for each step index in t (k >= 1 integers in [0, 2^53] held exactly in T);
/// eta: k values. Validates like the reference.
template <class T>
void schedule(const spec::Schedule& spec, std::span<const T> t, std::span<T> eta);

extern template void schedule<float>(const spec::Schedule&, std::span<const float>, std::span<float>);
extern template void schedule<double>(const spec::Schedule&, std::span<const double>, std::span<double>);

}  // namespace gradref::fast
