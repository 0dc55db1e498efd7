#pragma once
// Fast RAdam for float and double: one fused pass per step over param, grad, m and
// v, in the reference's operation order (reference/rules/radam_impl.hpp), so its
// error model is the reference run on Tracked.
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/radam.hpp"

namespace gradref::fast {

/// Validates like the reference (same InvalidInput errors), then steps in place.
template <class T>
void step(const spec::Radam& spec, RuleBuffers<T>& buffers);

extern template void step<float>(const spec::Radam&, RuleBuffers<float>&);
extern template void step<double>(const spec::Radam&, RuleBuffers<double>&);

}  // namespace gradref::fast
