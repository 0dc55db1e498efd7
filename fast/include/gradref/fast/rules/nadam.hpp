#pragma once
// Fast NAdam for float and double: one fused pass per step over param, grad, m and
// v, in the reference's operation order (reference/rules/nadam_impl.hpp), so its
// error model is the reference run on Tracked.
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/nadam.hpp"

namespace gradref::fast {

/// Validates like the reference (same InvalidInput errors), then steps in place;
/// the dozat schedule reads and advances buffers.scalars[0] (mu_product).
template <class T>
void step(const spec::Nadam& spec, RuleBuffers<T>& buffers);

extern template void step<float>(const spec::Nadam&, RuleBuffers<float>&);
extern template void step<double>(const spec::Nadam&, RuleBuffers<double>&);

}  // namespace gradref::fast
