#pragma once
// Fast SGD with momentum for float and double: one fused pass per step over param,
// grad and the momentum buffer, in the reference's operation order
// (reference/rules/sgd_impl.hpp), so its error model is the reference run on Tracked.
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/sgd.hpp"

namespace gradref::fast {

/// Validates like the reference (same InvalidInput errors), then steps in place.
template <class T>
void step(const spec::Sgd& spec, RuleBuffers<T>& buffers);

extern template void step<float>(const spec::Sgd&, RuleBuffers<float>&);
extern template void step<double>(const spec::Sgd&, RuleBuffers<double>&);

}  // namespace gradref::fast
