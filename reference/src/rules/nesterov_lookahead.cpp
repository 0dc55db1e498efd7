// The only place the look-ahead Nesterov reference is compiled: for Real (the
// oracle) and Tracked (its error model).
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/nesterov_lookahead_impl.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template void nesterov_lookahead<Real>(const spec::NesterovLookahead&, RuleState<Real>&, const GradientAt<Real>&);
template void nesterov_lookahead<Tracked>(const spec::NesterovLookahead&, RuleState<Tracked>&,
                                          const GradientAt<Tracked>&);
template Array<Real> quadratic_gradient<Real>(const Array<Real>&, const Array<Real>&, const Array<Real>&);
template Array<Tracked> quadratic_gradient<Tracked>(const Array<Tracked>&, const Array<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
