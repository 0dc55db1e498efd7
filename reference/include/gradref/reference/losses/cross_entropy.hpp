#pragma once
// Reference softmax cross-entropy (spec/cross_entropy.hpp), generic over the scalar.
#include <cstdint>
#include <span>

#include "gradref/reference/array.hpp"
#include "gradref/spec/cross_entropy.hpp"

namespace gradref::reference {

template <class T>
struct CrossEntropyResult {
  Array<T> loss;         ///< target's shape [N, d1..dk] for reduction none, [] otherwise
  Array<T> grad_logits;  ///< logits' shape: d(sum of loss) / d logits
  Array<T> grad_target;  ///< probability targets only (else empty): d(sum of loss) / d target
};

/// The target as the spec's target_type says: class indices [N, d1..dk], or
/// probabilities of the logits' shape. `weight` [C] is optional (nullptr: all 1).
template <class T>
struct CrossEntropyTarget {
  std::span<const std::int64_t> indices;
  Shape index_shape;
  const Array<T>* probabilities = nullptr;
};

template <class T>
CrossEntropyResult<T> cross_entropy(const spec::CrossEntropy& spec, const Array<T>& logits,
                                    const CrossEntropyTarget<T>& target, const Array<T>* weight);

}  // namespace gradref::reference
