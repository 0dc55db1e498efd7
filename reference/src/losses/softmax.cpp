// The only place reference::softmax and reference::log_softmax are compiled: for Real and Tracked.
#include "gradref/reference/losses/softmax_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {
template SoftmaxResult<Real> softmax<Real>(const spec::Softmax&, const Array<Real>&, const Array<Real>&);
template SoftmaxResult<Tracked> softmax<Tracked>(const spec::Softmax&, const Array<Tracked>&, const Array<Tracked>&);
template SoftmaxResult<Real> log_softmax<Real>(const spec::LogSoftmax&, const Array<Real>&, const Array<Real>&);
template SoftmaxResult<Tracked> log_softmax<Tracked>(const spec::LogSoftmax&, const Array<Tracked>&,
                                                     const Array<Tracked>&);
}  // namespace gradref::reference
