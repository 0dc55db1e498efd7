#pragma once
// Definition of reference::kl_divergence (instantiated in reference/src).
//
// Per element, from the inputs a (p in its form) and b (q in its form):
//   clip: a = min(max(a, lo), hi), b likewise (exact), in_p = lo <= p <= hi, in_q
//   likewise; everything below at the clipped a and b, and grad_p = 0 where !in_p,
//   grad_q = 0 where !in_q (TensorFlow's clip_by_value gradient)
//   P  = a (prob) or exp(a) (log)          the probability p
//   lp = log a (prob; -inf at a = 0) or a   lq = log b (prob; -inf at b = 0) or b
//   diff = lp - lq
//   d = 0 if p is a prob and a = 0 (0 log 0 = 0, whatever q is), else P * diff
//   grad_p = diff + 1 (prob) or P * (diff + 1) (log)
//   grad_q = -(P / b) (prob; 0 where a = 0) or -P (log)
// both multiplied by scale = 1 / divisor, rounded to the dtype, for mean (N * K) and
// batchmean (N). Where q = 0 < p the term is +inf and grad_q is -inf; at p = q = 0
// the term is 0, grad_q 0 and grad_p NaN (the term is 0 at p = 0 and +inf for any
// p > 0: no derivative). Rows are summed with the blocked-pairwise structure of
// fast/reduction.hpp, and the row sums again with it for sum, mean and batchmean,
// then divided by the divisor. log p - log q is the difference of logs of the exact
// inputs: it cancels only as much as p and q agree, never below the working
// precision. The order of operations is the fast kernel's, which the Tracked
// instantiation analyses.
#include <vector>

#include "gradref/reference/losses/kl_divergence.hpp"
#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/math.hpp"

namespace gradref::reference {

template <class T>
KlDivergenceResult<T> kl_divergence(const spec::KlDivergence& s, const Array<T>& p, const Array<T>& q) {
  using std::exp;
  using std::log;
  const auto [rows, classes] = spec::kl_divergence_dims(s, p.shape(), q.shape());
  const auto text = [](const T& x) { return value_text(x); };
  spec::check_distribution(spec::KlDivergence::op, "p", p.span(), s.p_form, text);
  spec::check_distribution(spec::KlDivergence::op, "q", q.span(), s.q_form, text);

  const bool p_log = s.p_form == spec::Form::log, q_log = s.q_form == spec::Form::log;
  const std::int64_t divisor = spec::kl_divisor(s, rows, classes);
  const bool scaled = divisor > 1;
  const T scale = scaled ? T(1.0) / T(static_cast<double>(divisor)) : T(1.0);
  const T clip_low(s.clip_low), clip_high(s.clip_high);
  Array<T> terms(p.shape(), T(0.0)), grad_p(p.shape(), T(0.0)), grad_q(p.shape(), T(0.0));
  std::vector<T> row_sums;
  row_sums.reserve(static_cast<std::size_t>(rows));

  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t k = i * classes; k < (i + 1) * classes; ++k) {
      // min(max(x, lo), hi) through maximum, so that Tracked keeps the input's format.
      const auto clipped = [&](const T& x) { return s.clip ? -maximum(-maximum(x, clip_low), -clip_high) : x; };
      const bool in_p = !s.clip || (p[k] >= clip_low && p[k] <= clip_high);
      const bool in_q = !s.clip || (q[k] >= clip_low && q[k] <= clip_high);
      const T a = clipped(p[k]);
      const T b = clipped(q[k]);
      const bool p_zero = !p_log && a == T(0.0);
      const T prob = p_log ? exp(a) : a;
      const T lp = p_log ? a : log(a);
      const T lq = q_log ? b : log(b);
      const T diff = lp - lq;
      if (!p_zero) terms[k] = prob * diff;
      T gp = p_log ? prob * (diff + T(1.0)) : diff + T(1.0);
      T gq = q_log ? -prob : (p_zero ? T(0.0) : -(prob / b));
      if (!in_p) gp = T(0.0);
      if (!in_q) gq = T(0.0);
      grad_p[k] = scaled ? gp * scale : gp;
      grad_q[k] = scaled ? gq * scale : gq;
    }
    row_sums.push_back(sum(std::span<const T>(terms.slice(i * classes, classes))));
  }

  if (s.reduction == spec::KlReduction::none) return {std::move(terms), std::move(grad_p), std::move(grad_q)};
  if (s.reduction == spec::KlReduction::row)
    return {Array<T>(Shape{rows}, std::move(row_sums)), std::move(grad_p), std::move(grad_q)};
  T total = sum(std::span<const T>(row_sums));
  if (divisor > 1) total = total / T(static_cast<double>(divisor));
  return {Array<T>(Shape{}, std::vector<T>{total}), std::move(grad_p), std::move(grad_q)};
}

}  // namespace gradref::reference
