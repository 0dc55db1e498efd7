#pragma once
// Reference Shannon entropy of the rows of p [N, K], generic over the scalar.
#include "gradref/reference/array.hpp"
#include "gradref/spec/entropy.hpp"

namespace gradref::reference {

template <class T>
struct EntropyResult {
  Array<T> loss;    ///< [N] for reduction none, [] otherwise
  Array<T> grad_p;  ///< [N, K]: d(sum of loss) / d p, in p's form
};

template <class T>
EntropyResult<T> entropy(const spec::Entropy& spec, const Array<T>& p);

}  // namespace gradref::reference
