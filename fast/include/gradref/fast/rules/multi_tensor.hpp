#pragma once
// Multi-tensor stepping (what PyTorch calls foreach / fused): one call steps every
// tensor of a model, in hyperparameter groups like PyTorch's param_groups. Each group
// has its own spec (lr, decay, betas...) and its own tensors; each tensor has its own
// param, gradients, state slots, scalars and step counter (a RuleBuffers, exactly as
// the single-tensor step takes it).
//
// The call validates everything first (the single-tensor call's InvalidInput errors,
// with the field prefixed by "groups[g]." or "groups[g].tensors[t]."), so bad input
// anywhere changes nothing. Then the per-step scalars are computed once per group and
// step counter, in double, and one parallel_for over the concatenation of all the
// tensors' elements steps them: small tensors share a thread's range instead of each
// paying for a thread launch. The results are bitwise those of stepping each tensor
// alone with step(spec, buffers), for any thread count.
//
// Defined for every spec with a RuleBuffers step (Sgd, Adam, AdamW, Nadam, Radam,
// Adamax, Lion, Adagrad, Rmsprop, Adadelta) in float and double; include the rule's
// own header too. Tensors must not share memory.
#include <span>
#include <vector>

#include "gradref/fast/rules/rule_buffers.hpp"

namespace gradref::fast {

template <class Spec, class T>
struct RuleGroup {
  Spec spec;
  std::vector<RuleBuffers<T>> tensors;
};

/// Steps every tensor of every group in place and advances each tensor's step counter.
template <class Spec, class T>
void step(std::span<RuleGroup<Spec, T>> groups);

template <class Spec, class T>
void step(std::vector<RuleGroup<Spec, T>>& groups) {
  step(std::span<RuleGroup<Spec, T>>(groups));
}

}  // namespace gradref::fast
