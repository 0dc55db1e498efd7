// Fast softmax cross-entropy (spec/cross_entropy.hpp; forward and gradients in one
// call) for float and double. Each row: one pass over its blocks of
// spec::cross_entropy_block classes (the block's max, exp(z - block max) stored, the
// block's sum), the blocks combined online into the row's max and sum, then one pass
// writing the gradient (the stored exps times one factor per block). One exp per
// logit. Rows run in parallel over a static partition; with fewer rows than threads
// the blocks of each row are spread over the threads. The order of operations is
// reference/losses/cross_entropy_impl.hpp's, whatever the thread count; the exp per
// logit is within 1 ULP (float: a specialization for arguments <= 0, checked on every
// float; double: Highway's), the C library's exp and log1p (<= 1 ULP) per block and
// per row.
#include <cstdint>
#include <span>

#include "gradref/spec/cross_entropy.hpp"

namespace gradref::fast {

template <class T>
struct CrossEntropyInputs {
  std::span<const T> logits;
  Shape logits_shape;                     ///< [N, C] or [N, C, d1..dk]
  std::span<const std::int64_t> indices;  ///< target_type indices: [N, d1..dk]
  std::span<const T> probabilities;       ///< target_type probabilities: the logits' shape
  Shape target_shape;
  std::span<const T> weight;  ///< [C] class weights when has_weight
  bool has_weight = false;
};

template <class T>
struct CrossEntropyOutputs {
  std::span<T> loss;         ///< the target's positions for reduction none, else 1 value
  /// The logits' shape. May be the logits' own buffer (grad_logits.data() ==
  /// logits.data()): the gradient then overwrites the logits in place, one read and
  /// one write per logit. Any other overlap is refused.
  std::span<T> grad_logits;
  std::span<T> grad_target;  ///< the logits' shape for probability targets, else empty
};

/// Validates like the reference (same fields in the errors), then evaluates. A
/// non-finite logit is found during the evaluation: the InvalidInput naming it is
/// thrown after the pass, with the outputs (in place: the logits) unspecified.
template <class T>
void cross_entropy(const spec::CrossEntropy& spec, const CrossEntropyInputs<T>& in, const CrossEntropyOutputs<T>& out);

extern template void cross_entropy<float>(const spec::CrossEntropy&, const CrossEntropyInputs<float>&,
                                          const CrossEntropyOutputs<float>&);
extern template void cross_entropy<double>(const spec::CrossEntropy&, const CrossEntropyInputs<double>&,
                                           const CrossEntropyOutputs<double>&);

}  // namespace gradref::fast
