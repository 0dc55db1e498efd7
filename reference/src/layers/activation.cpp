// The only place reference::activation and reference::gelu_tanh are compiled: for Real and Tracked.
#include "gradref/reference/layers/activation_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template ActivationResult<Real> activation<Real>(const spec::Activation&, const Array<Real>&, const Array<Real>&);
template ActivationResult<Tracked> activation<Tracked>(const spec::Activation&, const Array<Tracked>&,
                                                       const Array<Tracked>&);
template ActivationResult<Real> gelu_tanh<Real>(const spec::GeluTanh&, const Array<Real>&, const Array<Real>&);
template ActivationResult<Tracked> gelu_tanh<Tracked>(const spec::GeluTanh&, const Array<Tracked>&,
                                                      const Array<Tracked>&);
}  // namespace gradref::reference
