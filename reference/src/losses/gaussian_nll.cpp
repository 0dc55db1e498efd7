// The only place reference::gaussian_nll is compiled: for Real and Tracked.
#include "gradref/reference/losses/gaussian_nll_impl.hpp"

namespace gradref::reference {
template GaussianNllResult<Real> gaussian_nll<Real>(const spec::GaussianNll&, const Array<Real>&, const Array<Real>&,
                                                    const Array<Real>*);
template GaussianNllResult<Tracked> gaussian_nll<Tracked>(const spec::GaussianNll&, const Array<Tracked>&,
                                                          const Array<Tracked>&, const Array<Tracked>*);
}  // namespace gradref::reference
