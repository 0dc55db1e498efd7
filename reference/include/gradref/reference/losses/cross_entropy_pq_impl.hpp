#pragma once
// Definition of reference::cross_entropy_pq (instantiated in reference/src).
//
// Per element, from the inputs a (p in its form) and b (q in its form):
//   P  = a (prob) or exp(a) (log)            the probability p
//   lq = log b (prob; -inf at b = 0) or b    log q
//   c  = 0 if p is a prob and a = 0 (0 log q = 0, whatever q is), else -(P * lq)
//   grad_p = -lq (prob) or c (log: d c / d log p = -p log q is the term itself)
//   grad_q = -(P / b) (prob; 0 where a = 0) or -P (log)
// both multiplied by scale = 1 / divisor, rounded to the dtype, for mean (N * K) and
// batchmean (N). Where q = 0 < p the term is +inf, grad_p +inf and grad_q -inf; at
// p = q = 0 (prob forms) the term is 0, grad_q 0, and grad_p +inf, the right
// derivative (the term is 0 at p = 0 and +inf for every p > 0). Rows are summed with
// the blocked-pairwise structure of fast/reduction.hpp, and the row sums again with
// it for sum, mean and batchmean, then divided by the divisor. Nothing cancels: each
// term is one product of the inputs or of their logarithms. The order of operations
// is the fast kernel's, which the Tracked instantiation analyses.
#include <vector>

#include "gradref/reference/losses/cross_entropy_pq.hpp"
#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/math.hpp"

namespace gradref::reference {

template <class T>
CrossEntropyPqResult<T> cross_entropy_pq(const spec::CrossEntropyPq& s, const Array<T>& p, const Array<T>& q) {
  using std::exp;
  using std::log;
  const auto [rows, classes] = spec::cross_entropy_pq_dims(s, p.shape(), q.shape());
  const auto text = [](const T& x) { return value_text(x); };
  spec::check_distribution(spec::CrossEntropyPq::op, "p", p.span(), s.p_form, text);
  spec::check_distribution(spec::CrossEntropyPq::op, "q", q.span(), s.q_form, text);

  const bool p_log = s.p_form == spec::Form::log, q_log = s.q_form == spec::Form::log;
  const std::int64_t divisor = spec::cross_entropy_pq_divisor(s, rows, classes);
  const bool scaled = divisor > 1;
  const T scale = scaled ? T(1.0) / T(static_cast<double>(divisor)) : T(1.0);
  Array<T> terms(p.shape(), T(0.0)), grad_p(p.shape(), T(0.0)), grad_q(p.shape(), T(0.0));
  std::vector<T> row_sums;
  row_sums.reserve(static_cast<std::size_t>(rows));

  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t k = i * classes; k < (i + 1) * classes; ++k) {
      const T& a = p[k];
      const T& b = q[k];
      const bool p_zero = !p_log && a == T(0.0);
      const T prob = p_log ? exp(a) : a;
      const T lq = q_log ? b : log(b);
      if (!p_zero) terms[k] = -(prob * lq);
      const T gp = p_log ? terms[k] : -lq;
      const T gq = q_log ? -prob : (p_zero ? T(0.0) : -(prob / b));
      grad_p[k] = scaled ? gp * scale : gp;
      grad_q[k] = scaled ? gq * scale : gq;
    }
    row_sums.push_back(sum(std::span<const T>(terms.slice(i * classes, classes))));
  }

  if (s.reduction == spec::KlReduction::none) return {std::move(terms), std::move(grad_p), std::move(grad_q)};
  if (s.reduction == spec::KlReduction::row)
    return {Array<T>(Shape{rows}, std::move(row_sums)), std::move(grad_p), std::move(grad_q)};
  T total = sum(std::span<const T>(row_sums));
  if (scaled) total = total / T(static_cast<double>(divisor));
  return {Array<T>(Shape{}, std::vector<T>{total}), std::move(grad_p), std::move(grad_q)};
}

}  // namespace gradref::reference
