// The only place reference::dense is compiled: for Real and Tracked.
#include "gradref/reference/layers/dense_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template DenseResult<Real> dense<Real>(const spec::Dense&, const Array<Real>&, const Array<Real>&, const Array<Real>*,
                                       const Array<Real>&);
template DenseResult<Tracked> dense<Tracked>(const spec::Dense&, const Array<Tracked>&, const Array<Tracked>&,
                                             const Array<Tracked>*, const Array<Tracked>&);
}  // namespace gradref::reference
