// The only place reference::nll is compiled: for Real and Tracked.
#include "gradref/reference/losses/nll_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template NllResult<Real> nll<Real>(const spec::Nll&, const Array<Real>&, const Array<std::int64_t>&,
                                   const Array<Real>*);
template NllResult<Tracked> nll<Tracked>(const spec::Nll&, const Array<Tracked>&, const Array<std::int64_t>&,
                                         const Array<Tracked>*);
}  // namespace gradref::reference
