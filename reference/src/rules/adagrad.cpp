// The only place the reference AdaGrad is compiled: for Real (the oracle) and Tracked
// (its error model).
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/adagrad_impl.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template void step<Real>(const spec::Adagrad&, RuleState<Real>&, const Array<Real>&);
template void step<Tracked>(const spec::Adagrad&, RuleState<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
