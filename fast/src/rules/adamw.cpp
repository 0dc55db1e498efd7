// Fast AdamW: Adam's kernel (adam.cpp) with AdamW's decay.
#include "gradref/fast/rules/adamw.hpp"

#include "rules/adam_params.hpp"

namespace gradref::fast {

template <class T>
void step(const spec::AdamW& s, RuleBuffers<T>& b) {
  spec::validate(s);
  detail::adam_run(spec::AdamW::op, s, spec::decay_of(s), b);
}

template void step<float>(const spec::AdamW&, RuleBuffers<float>&);
template void step<double>(const spec::AdamW&, RuleBuffers<double>&);

}  // namespace gradref::fast
