// The only place reference::kl_divergence is compiled: for Real and Tracked.
#include "gradref/reference/losses/kl_divergence_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template KlDivergenceResult<Real> kl_divergence<Real>(const spec::KlDivergence&, const Array<Real>&,
                                                      const Array<Real>&);
template KlDivergenceResult<Tracked> kl_divergence<Tracked>(const spec::KlDivergence&, const Array<Tracked>&,
                                                            const Array<Tracked>&);
}  // namespace gradref::reference
