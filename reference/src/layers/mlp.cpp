// The only place reference::mlp is compiled: for Real and Tracked.
#include "gradref/reference/layers/mlp_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template MlpResult<Real> mlp<Real>(const spec::Mlp&, const MlpInputs<Real>&);
template MlpResult<Tracked> mlp<Tracked>(const spec::Mlp&, const MlpInputs<Tracked>&);
}  // namespace gradref::reference
