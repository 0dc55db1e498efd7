// The only place reference::l1 is compiled: for Real and Tracked.
#include "gradref/reference/losses/l1_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template PointwiseLossResult<Real> l1<Real>(const spec::L1&, const Array<Real>&, const Array<Real>&);
template PointwiseLossResult<Tracked> l1<Tracked>(const spec::L1&, const Array<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
