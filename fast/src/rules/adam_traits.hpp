#pragma once
// Adam and AdamW as rules of rule_dispatch.hpp: one kernel (adam.cpp), each spec's own
// weight decay (spec::decay_of).
#include "gradref/spec/adamw.hpp"
#include "rules/adam_params.hpp"
#include "rules/rule_dispatch.hpp"

namespace gradref::fast::detail {

template <class Spec>
struct AdamFamilyTraits {
  template <class T>
  static std::vector<AdamParams<T>> per_step(const Spec& s, RuleBuffers<T>& b, std::int64_t steps) {
    return adam_per_step<T>(s, spec::decay_of(s), b.step, steps);
  }
};
template <>
struct RuleTraits<spec::Adam> : AdamFamilyTraits<spec::Adam> {};
template <>
struct RuleTraits<spec::AdamW> : AdamFamilyTraits<spec::AdamW> {};

}  // namespace gradref::fast::detail
