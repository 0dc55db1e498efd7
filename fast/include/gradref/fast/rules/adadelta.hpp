#pragma once
// Fast Adadelta for float and double: one fused pass per step over param, grad and
// both averages, in the reference's operation order
// (reference/rules/adadelta_impl.hpp), so its error model is the reference run on Tracked.
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/adadelta.hpp"

namespace gradref::fast {

/// Validates like the reference (same InvalidInput errors), then steps in place.
template <class T>
void step(const spec::Adadelta& spec, RuleBuffers<T>& buffers);

extern template void step<float>(const spec::Adadelta&, RuleBuffers<float>&);
extern template void step<double>(const spec::Adadelta&, RuleBuffers<double>&);

}  // namespace gradref::fast
