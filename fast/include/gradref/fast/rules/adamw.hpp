#pragma once
// Fast AdamW for float and double: Adam's kernel (fast/src/rules/adam.cpp) with the
// decoupled decay of spec/adamw.hpp.
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/adamw.hpp"

namespace gradref::fast {

/// Validates like the reference (same InvalidInput errors), then steps in place.
template <class T>
void step(const spec::AdamW& spec, RuleBuffers<T>& buffers);

extern template void step<float>(const spec::AdamW&, RuleBuffers<float>&);
extern template void step<double>(const spec::AdamW&, RuleBuffers<double>&);

}  // namespace gradref::fast
