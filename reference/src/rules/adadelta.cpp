// The only place the reference Adadelta is compiled: for Real (the oracle) and Tracked
// (its error model).
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/adadelta_impl.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template void step<Real>(const spec::Adadelta&, RuleState<Real>&, const Array<Real>&);
template void step<Tracked>(const spec::Adadelta&, RuleState<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
