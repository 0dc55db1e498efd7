// The only place reference::schedule is compiled: for Real and Tracked.
#include "gradref/reference/schedules/schedule_impl.hpp"

namespace gradref::reference {
template ScheduleResult<Real> schedule<Real>(const spec::Schedule&, const Array<Real>&);
template ScheduleResult<Tracked> schedule<Tracked>(const spec::Schedule&, const Array<Tracked>&);
}  // namespace gradref::reference
