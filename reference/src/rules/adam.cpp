// The only place reference::adam is compiled: for Real (the oracle) and Tracked
// (its error model). Everything else links against these.
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/adam_impl.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template void adam<Real>(const spec::Adam&, AdamState<Real>&, const Array<Real>&);
template void adam<Tracked>(const spec::Adam&, AdamState<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
