#pragma once
// Fast Adamax for float and double: one fused pass per step over param, grad, m and
// u, in the reference's operation order (reference/rules/adamax_impl.hpp), so its
// error model is the reference run on Tracked.
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/adamax.hpp"

namespace gradref::fast {

/// Validates like the reference (same InvalidInput errors), then steps in place.
template <class T>
void step(const spec::Adamax& spec, RuleBuffers<T>& buffers);

extern template void step<float>(const spec::Adamax&, RuleBuffers<float>&);
extern template void step<double>(const spec::Adamax&, RuleBuffers<double>&);

}  // namespace gradref::fast
