// Fast look-ahead Nesterov on a quadratic: per step, point = theta + mu v; row i of
// the gradient is blocked_sum(A_i. * point) + b_i; then v = mu v - lr g and
// theta = theta + v, elementwise. Rows are independent and each is computed by
// one thread, so the bits do not depend on the thread count.
#include "gradref/fast/rules/nesterov_lookahead.hpp"

#include <vector>

#include "gradref/fast/threads.hpp"
#include "gradref/spec/rule.hpp"
#include "pairwise.hpp"

namespace gradref::fast {

template <class T>
void nesterov_lookahead(const spec::NesterovLookahead& s, QuadraticLookahead<T>& b) {
  spec::validate(s);
  const auto size = [](std::size_t x) { return static_cast<std::int64_t>(x); };
  const std::int64_t n = size(b.param.size());
  const Shape param{n}, velocity{size(b.velocity.size())}, linear{size(b.linear.size())};
  const Shape hessian = size(b.hessian.size()) == n * n ? Shape{n, n} : Shape{size(b.hessian.size())};
  const spec::SlotShape slot{"velocity", &velocity};
  spec::rule_steps(spec::NesterovLookahead::op, param, param, std::span(&slot, 1), b.step);
  spec::require_quadratic(spec::NesterovLookahead::op, param, hessian, linear);
  if (b.step > spec::max_step - s.steps)
    throw InvalidInput(spec::NesterovLookahead::op, "step", std::to_string(b.step), "step + steps <= 2^53");

  const T lr = static_cast<T>(s.lr), mu = static_cast<T>(s.momentum);
  std::vector<T> point(static_cast<std::size_t>(n)), grad(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < s.steps; ++k) {
    for (std::int64_t i = 0; i < n; ++i) point[i] = b.param[i] + mu * b.velocity[i];
    parallel_for(n, 64, [&](std::int64_t begin, std::int64_t end) {
      std::vector<T> products(static_cast<std::size_t>(n));
      for (std::int64_t i = begin; i < end; ++i) {
        for (std::int64_t j = 0; j < n; ++j) products[j] = b.hessian[i * n + j] * point[j];
        grad[i] = detail::blocked_sum(products.data(), n) + b.linear[i];
      }
    });
    for (std::int64_t i = 0; i < n; ++i) {
      const T g = s.maximize ? -grad[i] : grad[i];
      b.velocity[i] = mu * b.velocity[i] - lr * g;
      b.param[i] = b.param[i] + b.velocity[i];
    }
  }
  b.step += s.steps;
}

template void nesterov_lookahead<float>(const spec::NesterovLookahead&, QuadraticLookahead<float>&);
template void nesterov_lookahead<double>(const spec::NesterovLookahead&, QuadraticLookahead<double>&);

}  // namespace gradref::fast
