#pragma once
// Fast Adam / AMSGrad for float and double: one fused pass per step over param,
// grad and the moments, in the reference's operation order
// (reference/rules/adam_impl.hpp), so its error model is the reference run on Tracked.
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/adam.hpp"

namespace gradref::fast {

/// Validates like the reference (same InvalidInput errors), then steps in place.
template <class T>
void step(const spec::Adam& spec, RuleBuffers<T>& buffers);

extern template void step<float>(const spec::Adam&, RuleBuffers<float>&);
extern template void step<double>(const spec::Adam&, RuleBuffers<double>&);

}  // namespace gradref::fast
