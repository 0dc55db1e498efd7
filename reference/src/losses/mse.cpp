// The only place reference::mse is compiled: for Real and Tracked.
#include "gradref/reference/losses/mse_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template PointwiseLossResult<Real> mse<Real>(const spec::Mse&, const Array<Real>&, const Array<Real>&);
template PointwiseLossResult<Tracked> mse<Tracked>(const spec::Mse&, const Array<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
