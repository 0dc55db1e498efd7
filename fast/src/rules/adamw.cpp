// Fast AdamW: Adam's kernel (adam.cpp) with AdamW's decay.
#include "gradref/fast/rules/adamw.hpp"

#include "rules/adam_traits.hpp"
#include "rules/mixed_rule_dispatch.hpp"

namespace gradref::fast {

template <class T>
void step(const spec::AdamW& s, RuleBuffers<T>& b) {
  detail::step_one(s, b);
}
void step(const spec::AdamW& s, MixedRuleBuffers& b) { detail::step_mixed(s, b); }

template void step<float>(const spec::AdamW&, RuleBuffers<float>&);
template void step<double>(const spec::AdamW&, RuleBuffers<double>&);
template void step(std::span<RuleGroup<spec::AdamW, float>>);
template void step(std::span<RuleGroup<spec::AdamW, double>>);

}  // namespace gradref::fast
