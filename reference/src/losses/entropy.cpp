// The only place reference::entropy is compiled: for Real and Tracked.
#include "gradref/reference/losses/entropy_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template EntropyResult<Real> entropy<Real>(const spec::Entropy&, const Array<Real>&);
template EntropyResult<Tracked> entropy<Tracked>(const spec::Entropy&, const Array<Tracked>&);
}  // namespace gradref::reference
