#pragma once
// Reference NADE (spec/nade.hpp): log p(x) per example, the batch mean log-likelihood
// and its gradient, generic over the scalar.
#include <cstdint>
#include <span>

#include "gradref/reference/array.hpp"
#include "gradref/spec/nade.hpp"

namespace gradref::reference {

template <class T>
struct NadeResult {
  T log_likelihood;   ///< (1/M) sum_m log p(x_m)
  Array<T> log_prob;  ///< [M]
  Array<T> grad_b;    ///< [D]
  Array<T> grad_c;    ///< [H]
  Array<T> grad_W;    ///< [H, D] (last column 0)
  Array<T> grad_V;    ///< [D, H]
};

/// `data` holds M rows of D binary values, row-major, `data_shape` = [M, D].
template <class T>
NadeResult<T> nade(const spec::Nade& spec, const Array<T>& b, const Array<T>& c, const Array<T>& W,
                   const Array<T>& V, const Shape& data_shape, std::span<const std::int64_t> data);

}  // namespace gradref::reference
