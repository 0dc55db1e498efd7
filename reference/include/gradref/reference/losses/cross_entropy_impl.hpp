#pragma once
// Definition of reference::cross_entropy (instantiated in reference/src).
//
// Per row, with m = max_j z_j and e_j = exp(z_j - m):
//   rest = sum_{j != y} e_j,   S = rest + e_y,
//   loss = log1p(rest) if z_y = m, else log S + (m - z_y),
//   grad_j = e_j / S * scale (j != y),   grad_y = -(rest / S) * scale,
// with scale = 1/N for the mean and 1 otherwise. Shifting by the row max keeps every
// exponent <= 0, so nothing overflows for any finite logits. Summing the other
// classes apart from the target avoids the cancellations 1 - p_y and log(1 + rest)
// when the target dominates: without it a row [0, -360] with target 0 has loss and
// gradient e^-360 that rounding at any practical precision turns into exactly 0,
// where evaluations at p and 2p bits would agree and certify a wrong zero. The
// Forming m - z_y first keeps large logits out of the loss's last addition, and
// makes the loss exactly invariant under shifting a row (z_j - m does not change).
// The order of operations is the fast kernels' (e_j * (1/S)), which the Tracked
// instantiation analyses.
#include <vector>

#include "gradref/reference/losses/cross_entropy.hpp"
#include "gradref/reference/math.hpp"

namespace gradref::reference {

template <class T>
CrossEntropyResult<T> cross_entropy(const spec::CrossEntropy& s, const Array<T>& logits,
                                    std::span<const std::int64_t> target) {
  using std::exp;
  using std::log;
  using std::log1p;
  const auto [rows, classes] = spec::cross_entropy_dims(s, logits.shape(), Shape{static_cast<std::int64_t>(target.size())});
  spec::check_targets(target, classes);

  const bool mean = s.reduction == spec::Reduction::mean;
  const T scale = mean ? T(1.0) / T(static_cast<double>(rows)) : T(1.0);
  std::vector<T> losses;
  losses.reserve(static_cast<std::size_t>(rows));
  Array<T> grad(logits.shape(), T(0.0));
  std::vector<T> e(static_cast<std::size_t>(classes), T(0.0));

  for (std::int64_t i = 0; i < rows; ++i) {
    const auto z = logits.slice(i * classes, classes);
    T m = z[0];
    for (const T& zj : z) m = maximum(m, zj);
    for (std::int64_t j = 0; j < classes; ++j) e[static_cast<std::size_t>(j)] = exp(z[static_cast<std::size_t>(j)] - m);
    const auto y = static_cast<std::size_t>(target[static_cast<std::size_t>(i)]);
    const T e_y = e[y];
    e[y] = T(0.0);
    const T rest = sum(std::span<const T>(e));
    e[y] = e_y;
    const T total = rest + e_y;
    losses.push_back(z[y] == m ? log1p(rest) : log(total) + (m - z[y]));
    const T inv_total = T(1.0) / total;
    for (std::int64_t j = 0; j < classes; ++j) {
      const T p = static_cast<std::size_t>(j) == y ? -(rest * inv_total) : e[static_cast<std::size_t>(j)] * inv_total;
      grad[i * classes + j] = p * scale;
    }
  }

  if (s.reduction == spec::Reduction::none)
    return {Array<T>(Shape{rows}, std::move(losses)), std::move(grad)};
  T total = sum(std::span<const T>(losses));
  if (mean) total = total / T(static_cast<double>(rows));
  return {Array<T>(Shape{}, std::vector<T>{total}), std::move(grad)};
}

}  // namespace gradref::reference
