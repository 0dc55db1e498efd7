#pragma once
// Definition of reference::softmax and reference::log_softmax (instantiated in
// reference/src).
//
// Per row z along dim, with cotangent g, m = max_k z_k, e_k = exp(z_k - m), t the
// number of k with z_k = m (the ties at the max, where e_k = 1 exactly),
//   R = sum_{z_k < m} e_k,   S = t + R,   inv = 1 / S,
// softmax:
//   y_k = e_k * inv
//   h_k = g_k - g_p              (p: the first k with z_k = m)
//   H = sum_{z_k = m} h_k,   X = sum_{z_k < m} h_k * e_k
//   grad_k = y_k * (((t * h_k - H) + (h_k * R - X)) * inv)
// log_softmax:
//   L = log1p(R) if t = 1, else log1p((t - 1) + R)          (= log S)
//   out_k = (z_k - m) - L
//   Gt = sum_{z_k = m} g_k,   Gl = sum_{z_k < m} g_k,   G = Gt + Gl
//   grad_k = ((t * g_k - Gt) + (g_k * R - Gl)) * inv        if z_k = m
//   grad_k = g_k - (e_k * inv) * G                           if z_k < m
//
// Shifting by the row max keeps every exponent <= 0, so nothing overflows for any
// finite input. The rest are the textbook formulas with the ties at the max summed
// apart, because there the textbook forms cancel below any working precision:
// - log S = log(1 + R) loses R when R is tiny: the row [0, -1000] has log-softmax
//   -e^-1000 at its max, which log(1 + R) gives as exactly 0 at 256 and at 512 bits,
//   so evaluations at p and 2p bits would certify a wrong zero. log1p(R) does not.
// - g_k - sum_j g_j y_j and g_k - y_k G cancel when the max's terms dominate: for
//   z = [0, 0, -1000] and g = [1, 1, 0] the log-softmax VJP at k = 0 is
//   1 - 2 / (2 + e^-1000) = e^-1000 / (2 + e^-1000), which is 0 once 2 / S rounds
//   to 1. Multiplied through by S, the numerator splits into an exact dyadic part
//   (t g_k - Gt, 0 here) and the part proportional to R (g_k R - Gl = e^-1000), so
//   nothing tiny is added to anything large. A k below the max has y_k <= 1/2, and
//   g_k - y_k G cancels there only as the data make it.
// - The softmax VJP does not change when a constant is added to g, so it works with
//   h = g - g_p: a constant g gives h = 0 and a gradient of exactly 0 (the textbook
//   form leaves rounding residue, which no precision certifies as 0), and when the
//   max dominates, g_p is the term that d = sum_j g_j y_j is made of.
// Every quantity depends on z only through z_k - m, so both ops are exactly
// invariant under adding a constant to a row (theorems/softmax.cpp).
//
// Every sum runs over the whole row (sum in math.hpp, which Tracked analyses with the
// depth of fast/reduction.hpp), the terms of the other side of the tie written as 0,
// as the kernel masks its lanes. The order of operations is the fast kernel's, which
// the Tracked instantiation analyses.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gradref/reference/losses/softmax.hpp"
#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/math.hpp"

namespace gradref::reference {
namespace detail {

/// What both ops compute from one row before their own outputs.
template <class T>
struct SoftmaxRow {
  T m;                     ///< the row max
  std::vector<bool> tie;   ///< z_k == m
  std::int64_t ties = 0;   ///< t, at least 1
  std::size_t first = 0;   ///< p, the first tie
  std::vector<T> e;        ///< exp(z_k - m)
  T below;                 ///< R = sum of e_k over z_k < m
  T inv;                   ///< 1 / (t + R)
};

template <class T>
SoftmaxRow<T> softmax_row(std::span<const T> z) {
  using std::exp;
  const std::size_t n = z.size();
  SoftmaxRow<T> r{z[0], std::vector<bool>(n), 0, 0, std::vector<T>(n, T(0.0)), T(0.0), T(0.0)};
  for (const T& zk : z) r.m = maximum(r.m, zk);
  std::vector<T> below(n, T(0.0));
  for (std::size_t k = 0; k < n; ++k) {
    r.tie[k] = z[k] == r.m;
    if (r.tie[k] && r.ties++ == 0) r.first = k;
    r.e[k] = exp(z[k] - r.m);
    if (!r.tie[k]) below[k] = r.e[k];
  }
  r.below = sum(std::span<const T>(below));
  r.inv = T(1.0) / (T(static_cast<double>(r.ties)) + r.below);
  return r;
}

/// The sum over the ties (tie_side) or over the rest of terms[k].
template <class T>
T sum_where(const std::vector<bool>& tie, bool tie_side, const std::vector<T>& terms) {
  std::vector<T> kept(terms.size(), T(0.0));
  for (std::size_t k = 0; k < terms.size(); ++k)
    if (tie[k] == tie_side) kept[k] = terms[k];
  return sum(std::span<const T>(kept));
}

/// Validates, then calls row(z, g, out, grad) on every row along dim, gathered into
/// contiguous vectors, and scatters out and grad back.
template <class T, class Row>
SoftmaxResult<T> along_rows(const char* op, std::int64_t dim, const Array<T>& input, const Array<T>& grad_output,
                            const Row& row) {
  const auto [outer, n, inner] = spec::softmax_layout(op, dim, input.shape(), grad_output.shape());
  spec::check_softmax_values(op, input.span(), grad_output.span(), [](const T& x) { return value_text(x); });
  SoftmaxResult<T> result{Array<T>(input.shape(), T(0.0)), Array<T>(input.shape(), T(0.0))};
  const auto size = static_cast<std::size_t>(n);
  std::vector<T> z(size, T(0.0)), g(size, T(0.0)), out(size, T(0.0)), grad(size, T(0.0));
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t i = 0; i < inner; ++i) {
      const std::int64_t base = o * n * inner + i;
      for (std::size_t k = 0; k < size; ++k) {
        z[k] = input[base + static_cast<std::int64_t>(k) * inner];
        g[k] = grad_output[base + static_cast<std::int64_t>(k) * inner];
      }
      row(z, g, out, grad);
      for (std::size_t k = 0; k < size; ++k) {
        result.output[base + static_cast<std::int64_t>(k) * inner] = out[k];
        result.grad_input[base + static_cast<std::int64_t>(k) * inner] = grad[k];
      }
    }
  }
  return result;
}

}  // namespace detail

template <class T>
SoftmaxResult<T> softmax(const spec::Softmax& s, const Array<T>& input, const Array<T>& grad_output) {
  spec::validate(s);
  return detail::along_rows(spec::Softmax::op, s.dim, input, grad_output,
                            [](const std::vector<T>& z, const std::vector<T>& g, std::vector<T>& y,
                               std::vector<T>& grad) {
                              const detail::SoftmaxRow<T> r = detail::softmax_row(std::span<const T>(z));
                              const std::size_t n = z.size();
                              const T& g_p = g[r.first];
                              std::vector<T> h(n, T(0.0)), he(n, T(0.0));
                              for (std::size_t k = 0; k < n; ++k) {
                                h[k] = g[k] - g_p;
                                if (!r.tie[k]) he[k] = h[k] * r.e[k];
                              }
                              const T h_ties = detail::sum_where(r.tie, true, h);
                              const T x = sum(std::span<const T>(he));
                              const T t(static_cast<double>(r.ties));
                              for (std::size_t k = 0; k < n; ++k) {
                                y[k] = r.e[k] * r.inv;
                                grad[k] = y[k] * (((t * h[k] - h_ties) + (h[k] * r.below - x)) * r.inv);
                              }
                            });
}

template <class T>
SoftmaxResult<T> log_softmax(const spec::LogSoftmax& s, const Array<T>& input, const Array<T>& grad_output) {
  using std::log1p;
  spec::validate(s);
  return detail::along_rows(spec::LogSoftmax::op, s.dim, input, grad_output,
                            [](const std::vector<T>& z, const std::vector<T>& g, std::vector<T>& out,
                               std::vector<T>& grad) {
                              const detail::SoftmaxRow<T> r = detail::softmax_row(std::span<const T>(z));
                              const std::size_t n = z.size();
                              const T rest = r.ties == 1 ? r.below : T(static_cast<double>(r.ties - 1)) + r.below;
                              const T log_total = log1p(rest);
                              for (std::size_t k = 0; k < n; ++k) out[k] = (z[k] - r.m) - log_total;
                              const T g_ties = detail::sum_where(r.tie, true, g);
                              const T g_below = detail::sum_where(r.tie, false, g);
                              const T g_total = g_ties + g_below;
                              const T t(static_cast<double>(r.ties));
                              for (std::size_t k = 0; k < n; ++k)
                                grad[k] = r.tie[k] ? ((t * g[k] - g_ties) + (g[k] * r.below - g_below)) * r.inv
                                                   : g[k] - (r.e[k] * r.inv) * g_total;
                            });
}

}  // namespace gradref::reference
