// The only place reference::gan_trajectory is compiled: for Real.
#include "gradref/reference/models/gan_dynamics_impl.hpp"
#include "gradref/reference/real.hpp"

namespace gradref::reference {
template std::vector<GanPoint<Real>> gan_trajectory<Real>(const GanGameSpec&, const spec::TwoPlayerDynamics&,
                                                          const Array<Real>&, const Array<Real>&,
                                                          const Array<Real>*, const GanParams<Real>&, const char*);
}  // namespace gradref::reference
