// The only place reference::gan is compiled: for Real and Tracked.
#include "gradref/reference/models/gan_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template GanResult<Real> gan<Real>(const spec::Gan&, const Array<Real>&, const Array<Real>&, const GanParams<Real>&,
                                   const Array<Real>*);
template GanResult<Tracked> gan<Tracked>(const spec::Gan&, const Array<Tracked>&, const Array<Tracked>&,
                                         const GanParams<Tracked>&, const Array<Tracked>*);
}  // namespace gradref::reference
