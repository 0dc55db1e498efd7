#pragma once
// Fast AdaGrad for float and double: one fused pass per step over param, grad and
// the accumulator, in the reference's operation order
// (reference/rules/adagrad_impl.hpp), so its error model is the reference run on Tracked.
#include "gradref/fast/rules/rule_buffers.hpp"
#include "gradref/spec/adagrad.hpp"

namespace gradref::fast {

/// Validates like the reference (same InvalidInput errors), then steps in place.
template <class T>
void step(const spec::Adagrad& spec, RuleBuffers<T>& buffers);

extern template void step<float>(const spec::Adagrad&, RuleBuffers<float>&);
extern template void step<double>(const spec::Adagrad&, RuleBuffers<double>&);

}  // namespace gradref::fast
