#pragma once
// Definition of reference::step for AdamW: Adam's update (adam_impl.hpp) with the
// decoupled decay of spec/adamw.hpp. Included by reference/src/rules/adamw.cpp.
#include "gradref/reference/rules/adam_impl.hpp"
#include "gradref/reference/rules/adamw.hpp"

namespace gradref::reference {

template <class T>
void step(const spec::AdamW& s, RuleState<T>& st, const Array<T>& grads) {
  spec::validate(s);
  detail::adam_update(spec::AdamW::op, s, spec::decay_of(s), st, grads);
}

}  // namespace gradref::reference
