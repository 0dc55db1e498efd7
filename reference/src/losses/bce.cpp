// The only place reference::bce is compiled: for Real and Tracked.
#include "gradref/reference/losses/bce_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template BinaryLossResult<Real> bce<Real>(const spec::Bce&, const Array<Real>&, const Array<Real>&,
                                          const Array<Real>*);
template BinaryLossResult<Tracked> bce<Tracked>(const spec::Bce&, const Array<Tracked>&, const Array<Tracked>&,
                                                const Array<Tracked>*);
}  // namespace gradref::reference
