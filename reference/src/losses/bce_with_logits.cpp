// The only place reference::bce_with_logits is compiled: for Real and Tracked.
#include "gradref/reference/losses/bce_with_logits_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template BinaryLossResult<Real> bce_with_logits<Real>(const spec::BceWithLogits&, const Array<Real>&,
                                                      const Array<Real>&, const Array<Real>*, const Array<Real>*);
template BinaryLossResult<Tracked> bce_with_logits<Tracked>(const spec::BceWithLogits&, const Array<Tracked>&,
                                                            const Array<Tracked>&, const Array<Tracked>*,
                                                            const Array<Tracked>*);
}  // namespace gradref::reference
