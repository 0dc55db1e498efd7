// The only place the reference AdamW is compiled: for Real (the oracle) and Tracked
// (its error model). The shared update is compiled once, in adam.cpp.
#include "gradref/reference/real.hpp"
#include "gradref/reference/rules/adamw_impl.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
namespace detail {
extern template void adam_update<Real>(const char*, const spec::AdamCore&, const spec::AdamDecay&, RuleState<Real>&,
                                       const Array<Real>&);
extern template void adam_update<Tracked>(const char*, const spec::AdamCore&, const spec::AdamDecay&,
                                          RuleState<Tracked>&, const Array<Tracked>&);
}  // namespace detail
template void step<Real>(const spec::AdamW&, RuleState<Real>&, const Array<Real>&);
template void step<Tracked>(const spec::AdamW&, RuleState<Tracked>&, const Array<Tracked>&);
}  // namespace gradref::reference
