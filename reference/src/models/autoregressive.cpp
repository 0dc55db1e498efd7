// The only place reference::autoregressive is compiled: for Real and Tracked.
#include "gradref/reference/models/autoregressive_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template AutoregressiveResult<Real> autoregressive<Real>(const spec::Autoregressive&, const Array<Real>&,
                                                         const Array<Real>&, const Shape&,
                                                         std::span<const std::int64_t>);
template AutoregressiveResult<Tracked> autoregressive<Tracked>(const spec::Autoregressive&, const Array<Tracked>&,
                                                               const Array<Tracked>&, const Shape&,
                                                               std::span<const std::int64_t>);
}  // namespace gradref::reference
