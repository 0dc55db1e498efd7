// The only place the reference RMSProp is compiled: for Real (the oracle) and Tracked
// (its error model).
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/rmsprop_impl.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template void step<Real>(const spec::Rmsprop&, RuleState<Real>&, const Array<Real>&);
template void step<Tracked>(const spec::Rmsprop&, RuleState<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
