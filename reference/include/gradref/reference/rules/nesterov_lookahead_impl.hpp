#pragma once
// Definitions for nesterov_lookahead.hpp, in the fast kernel's operation order.
// Included by reference/src/rules/nesterov_lookahead.cpp (Real and Tracked).
#include <vector>

#include "gradref/reference/math.hpp"
#include "gradref/reference/rules/nesterov_lookahead.hpp"

namespace gradref::reference {

template <class T>
void nesterov_lookahead(const spec::NesterovLookahead& s, RuleState<T>& st, const GradientAt<T>& gradient_at) {
  spec::validate(s);
  const Array<T> one_step(st.param.shape(), T(0.0));
  checked_steps(spec::NesterovLookahead::op, spec::slots(s), st, one_step);
  if (st.step > spec::max_step - s.steps)
    throw InvalidInput(spec::NesterovLookahead::op, "step", std::to_string(st.step), "step + steps <= 2^53");
  const std::int64_t n = st.param.size();
  const T lr(s.lr), mu(s.momentum);
  Array<T>& v = st.slots[0];
  for (std::int64_t k = 0; k < s.steps; ++k) {
    Array<T> point = st.param;
    for (std::int64_t i = 0; i < n; ++i) point[i] = st.param[i] + mu * v[i];
    const Array<T> grad = gradient_at(point);
    spec::require_shape(spec::NesterovLookahead::op, "gradient", grad.shape(), st.param.shape());
    for (std::int64_t i = 0; i < n; ++i) {
      const T g = s.maximize ? -grad[i] : grad[i];
      v[i] = mu * v[i] - lr * g;
      st.param[i] = st.param[i] + v[i];
    }
    ++st.step;
  }
}

template <class T>
Array<T> quadratic_gradient(const Array<T>& a, const Array<T>& b, const Array<T>& x) {
  const std::int64_t n = x.size();
  Array<T> out(x.shape(), T(0.0));
  std::vector<T> products(static_cast<std::size_t>(n), T(0.0));
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) products[static_cast<std::size_t>(j)] = a[i * n + j] * x[j];
    out[i] = sum(std::span<const T>(products)) + b[i];
  }
  return out;
}

}  // namespace gradref::reference
