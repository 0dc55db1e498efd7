#pragma once
// Reference cross-entropy H(P, Q) between the rows of p and q [N, K], generic over
// the scalar.
#include "gradref/reference/array.hpp"
#include "gradref/spec/cross_entropy_pq.hpp"

namespace gradref::reference {

template <class T>
struct CrossEntropyPqResult {
  Array<T> loss;    ///< [N, K] for none, [N] for row, [] otherwise
  Array<T> grad_p;  ///< [N, K]: d(sum of loss) / d p, in p's form
  Array<T> grad_q;  ///< [N, K]: d(sum of loss) / d q, in q's form
};

template <class T>
CrossEntropyPqResult<T> cross_entropy_pq(const spec::CrossEntropyPq& spec, const Array<T>& p, const Array<T>& q);

}  // namespace gradref::reference
