// The only place reference::cross_entropy is compiled: for Real and Tracked.
#include "gradref/reference/losses/cross_entropy_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template CrossEntropyResult<Real> cross_entropy<Real>(const spec::CrossEntropy&, const Array<Real>&,
                                                      const CrossEntropyTarget<Real>&, const Array<Real>*);
template CrossEntropyResult<Tracked> cross_entropy<Tracked>(const spec::CrossEntropy&, const Array<Tracked>&,
                                                            const CrossEntropyTarget<Tracked>&,
                                                            const Array<Tracked>*);
}  // namespace gradref::reference
