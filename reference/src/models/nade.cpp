// The only place reference::nade is compiled: for Real and Tracked.
#include "gradref/reference/models/nade_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template NadeResult<Real> nade<Real>(const spec::Nade&, const Array<Real>&, const Array<Real>&, const Array<Real>&,
                                     const Array<Real>&, const Shape&, std::span<const std::int64_t>);
template NadeResult<Tracked> nade<Tracked>(const spec::Nade&, const Array<Tracked>&, const Array<Tracked>&,
                                           const Array<Tracked>&, const Array<Tracked>&, const Shape&,
                                           std::span<const std::int64_t>);
}  // namespace gradref::reference
