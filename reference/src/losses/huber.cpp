// The only place reference::huber is compiled: for Real and Tracked.
#include "gradref/reference/losses/huber_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template PointwiseLossResult<Real> huber<Real>(const spec::Huber&, const Array<Real>&, const Array<Real>&);
template PointwiseLossResult<Tracked> huber<Tracked>(const spec::Huber&, const Array<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
