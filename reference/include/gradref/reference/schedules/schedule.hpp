#pragma once
// Reference learning-rate schedules (spec/schedule.hpp), generic over the scalar.
#include "gradref/reference/array.hpp"
#include "gradref/spec/schedule.hpp"

namespace gradref::reference {

template <class T>
struct ScheduleResult {
  Array<T> eta;  ///< eta_t for each step index given, t's shape
  spec::RobbinsMonro robbins_monro;
};

/// eta_t for each step index in `t` (rank 1, at least one element; integers in
/// [0, 2^53], t + b > 0 under polynomial). Validates the spec and every index.
template <class T>
ScheduleResult<T> schedule(const spec::Schedule& spec, const Array<T>& t);

}  // namespace gradref::reference
