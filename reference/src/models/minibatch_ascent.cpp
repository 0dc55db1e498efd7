// The only place reference::minibatch_ascent is compiled: for Real (training is run,
// not error-analysed: each step is the autoregressive op, whose error model is its own).
#include "gradref/reference/models/minibatch_ascent_impl.hpp"
#include "gradref/reference/real.hpp"

namespace gradref::reference {
template AscentResult<Real> minibatch_ascent<Real>(const AscentOptions&, Array<Real>, Array<Real>, BinaryData,
                                                   BinaryData, const std::function<void(const EpochReport<Real>&)>&);
}  // namespace gradref::reference
