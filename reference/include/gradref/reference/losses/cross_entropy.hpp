#pragma once
// Reference softmax cross-entropy with class-index targets, generic over the scalar.
#include <cstdint>
#include <span>

#include "gradref/reference/array.hpp"
#include "gradref/spec/cross_entropy.hpp"

namespace gradref::reference {

template <class T>
struct CrossEntropyResult {
  Array<T> loss;         ///< [N] for reduction none, [] otherwise
  Array<T> grad_logits;  ///< [N, C]: d(sum of loss) / d logits
};

template <class T>
CrossEntropyResult<T> cross_entropy(const spec::CrossEntropy& spec, const Array<T>& logits,
                                    std::span<const std::int64_t> target);

}  // namespace gradref::reference
