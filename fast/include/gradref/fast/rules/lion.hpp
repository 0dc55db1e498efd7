#pragma once
// Fast Lion for float and double: one fused pass per step over param, grad and m,
// in the reference's operation order (reference/rules/lion_impl.hpp), so its
// error model is the reference run on Tracked.
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/lion.hpp"

namespace gradref::fast {

/// Validates like the reference (same InvalidInput errors), then steps in place.
template <class T>
void step(const spec::Lion& spec, RuleBuffers<T>& buffers);

extern template void step<float>(const spec::Lion&, RuleBuffers<float>&);
extern template void step<double>(const spec::Lion&, RuleBuffers<double>&);

}  // namespace gradref::fast
