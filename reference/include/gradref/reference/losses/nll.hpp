#pragma once
// Reference negative log-likelihood with class-index targets, generic over the scalar.
#include <cstdint>

#include "gradref/reference/array.hpp"
#include "gradref/spec/nll.hpp"

namespace gradref::reference {

template <class T>
struct NllResult {
  Array<T> loss;        ///< the target's shape [N, d1..dk] for reduction none, [] otherwise
  Array<T> grad_input;  ///< input's shape: d(sum of loss) / d input
};

/// `weight` is null when absent (every class weight 1).
template <class T>
NllResult<T> nll(const spec::Nll& spec, const Array<T>& input, const Array<std::int64_t>& target,
                 const Array<T>* weight);

}  // namespace gradref::reference
