#pragma once
// Reference fully visible sigmoid belief network (spec/autoregressive.hpp): log
// p(x) per example, the batch mean log-likelihood and its gradient, generic over the scalar.
#include <cstdint>
#include <span>

#include "gradref/reference/array.hpp"
#include "gradref/spec/autoregressive.hpp"

namespace gradref::reference {

template <class T>
struct AutoregressiveResult {
  T log_likelihood;   ///< (1/M) sum_m log p(x_m)
  Array<T> log_prob;  ///< [M]: log p(x_m)
  Array<T> grad_a;    ///< [D]: d log_likelihood / d a
  Array<T> grad_W;    ///< [D, D]: d log_likelihood / d W (0 on and above the diagonal)
};

/// `data` holds M rows of D binary values, row-major, `data_shape` = [M, D].
/// Validates shapes, data and parameter values.
template <class T>
AutoregressiveResult<T> autoregressive(const spec::Autoregressive& spec, const Array<T>& a, const Array<T>& W,
                                       const Shape& data_shape, std::span<const std::int64_t> data);

}  // namespace gradref::reference
