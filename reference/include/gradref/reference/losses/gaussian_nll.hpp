#pragma once
// Reference Gaussian negative log-likelihood, generic over the scalar.
#include <optional>

#include "gradref/reference/array.hpp"
#include "gradref/spec/gaussian_nll.hpp"

namespace gradref::reference {

template <class T>
struct GaussianNllResult {
  Array<T> loss;                  ///< input's shape for reduction none, [] otherwise
  Array<T> grad_input;            ///< d(sum of loss) / d input
  Array<T> grad_target;           ///< d(sum of loss) / d target = -grad_input
  std::optional<Array<T>> grad_var;  ///< d(sum of loss) / d var, when variance is input
};

/// `var` is null exactly when the spec's variance is fixed.
template <class T>
GaussianNllResult<T> gaussian_nll(const spec::GaussianNll& spec, const Array<T>& input, const Array<T>& target,
                                  const Array<T>* var);

}  // namespace gradref::reference
