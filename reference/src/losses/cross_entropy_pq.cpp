// The only place reference::cross_entropy_pq is compiled: for Real and Tracked.
#include "gradref/reference/losses/cross_entropy_pq_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template CrossEntropyPqResult<Real> cross_entropy_pq<Real>(const spec::CrossEntropyPq&, const Array<Real>&,
                                                           const Array<Real>&);
template CrossEntropyPqResult<Tracked> cross_entropy_pq<Tracked>(const spec::CrossEntropyPq&, const Array<Tracked>&,
                                                                 const Array<Tracked>&);
}  // namespace gradref::reference
