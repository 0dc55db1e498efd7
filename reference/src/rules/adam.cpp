// The only place the reference Adam (and the update AdamW shares) is compiled: for
// Real (the oracle) and Tracked (its error model).
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/adam_impl.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
namespace detail {
template void adam_update<Real>(const char*, const spec::AdamCore&, const spec::AdamDecay&, RuleState<Real>&,
                                const Array<Real>&);
template void adam_update<Tracked>(const char*, const spec::AdamCore&, const spec::AdamDecay&, RuleState<Tracked>&,
                                   const Array<Tracked>&);
}  // namespace detail
template void step<Real>(const spec::Adam&, RuleState<Real>&, const Array<Real>&);
template void step<Tracked>(const spec::Adam&, RuleState<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
