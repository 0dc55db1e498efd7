// The only place the reference Adamax is compiled: for Real (the oracle) and Tracked
// (its error model).
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/adamax_impl.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template void step<Real>(const spec::Adamax&, RuleState<Real>&, const Array<Real>&);
template void step<Tracked>(const spec::Adamax&, RuleState<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
