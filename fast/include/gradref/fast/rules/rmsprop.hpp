#pragma once
// Fast RMSProp for float and double: one fused pass per step over param, grad and
// the square average, gbar and the momentum state, in the reference's operation order
// (reference/rules/rmsprop_impl.hpp), so its error model is the reference run on Tracked.
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/rmsprop.hpp"

namespace gradref::fast {

/// Validates like the reference (same InvalidInput errors), then steps in place.
template <class T>
void step(const spec::Rmsprop& spec, RuleBuffers<T>& buffers);

extern template void step<float>(const spec::Rmsprop&, RuleBuffers<float>&);
extern template void step<double>(const spec::Rmsprop&, RuleBuffers<double>&);

}  // namespace gradref::fast
