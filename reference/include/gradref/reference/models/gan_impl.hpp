#pragma once
// Definition of reference::gan (instantiated in reference/src/models/gan.cpp).
//
// Notation: g_j = A z_j + c, t_i = w . x_i + b, s_j = w . g_j + b, sigma the
// logistic function, softplus(u) = log(1 + e^u) = max(u, 0) + log1p(e^-|u|).
// Every objective is written as a sum over rows r of phi_r(w . f_r + b) (f_r a row of
// features: x_i, g_j or xhat_i), divided by M. With kappa_r = phi_r' (the coefficient of
// row r's score, before the division),
//   grad_w = (sum_r kappa_r f_r + extra w / ||w||) / M,  grad_b = sum_r kappa_r / M,
// and through g_j (d s_j / d g_j = w):
//   grad_A = w (sum_j gamma_j z_j)^T / M,  grad_c = w sum_j gamma_j / M,
// gamma_j the coefficient of g_j's score (kappa of its row, times (1 - a_j) for xhat).
// The division by M (and the penalty's lambda) comes last, after each sum, as a kernel
// computing a mean does: the affine critic's kappa = +-1 then sum to 0 exactly.
//
//   minimax:          log D(t) = -softplus(-t), log(1 - D(s)) = -softplus(s) (no log of a
//                     rounded sigma, so no -inf for s > 37 in float64); kappa = 1 - D(t_i)
//                     on x_i, -D(s_j) on g_j.
//   non_saturating:   softplus(-s_j); kappa = -(1 - D(s_j)) on g_j; x does not enter
//                     (grad_w and grad_b still do: D's parameters enter through s_j).
//   wgan_critic:      f(s_j) - f(t_i); affine f: kappa = 1 on g_j, -1 on x_i (b cancels:
//                     grad_b = 0 exactly); logistic f = D: kappa = +-D(1 - D).
//   gradient_penalty, affine critic: grad_x f = w, the value is lambda (||w|| - 1)^2 (the
//                     samples do not enter: grad_b, grad_A, grad_c are 0) and
//                     grad_w = lambda (2 (||w|| - 1)) (w / ||w||); no division by M.
//   gradient_penalty, logistic D: xhat_i = a_i x_i + (1 - a_i) g_i, u_i = w . xhat_i + b,
//                     D_i = sigma(u_i), q_i = D_i (1 - D_i) = sigma'(u_i), grad_x D(xhat_i) = q_i w,
//                     so ||grad_x D|| = q_i r (r = ||w||), e_i = q_i r - 1 and
//                       P = (lambda / M) sum_i e_i^2.
//                     The second derivative: d q_i / d u_i = sigma''(u_i) = q_i (1 - 2 D_i), so
//                     with m_i = 2 e_i q_i,
//                       dP/dw   = (lambda / M) [sum_i m_i r (1 - 2 D_i) xhat_i + (sum_i m_i) w / r]
//                       dP/db   = (lambda / M) sum_i m_i r (1 - 2 D_i)
//                       dP/dg_i = (lambda / M) m_i r (1 - 2 D_i) (1 - a_i) w
//                     (g_i enters through xhat_i = a_i x_i + (1 - a_i) g_i), i.e. kappa_i = h_i =
//                     m_i r (1 - 2 D_i) on the row xhat_i, gamma_i = h_i (1 - a_i), extra =
//                     sum_i m_i, times the unit vector w / r (formed first: sum m / r would
//                     overflow float32 for |w| near 2^-146). Dropping h (D (1 - D) held
//                     constant in w and b) leaves only the extra term: the wrong variant
//                     no_second_derivative.
// At w = 0, ||w|| has no derivative; the reference takes the subgradient 0 for w / ||w||
// (as PyTorch's norm backward does), and it is a value only generators avoid.
//
// ||w|| is computed scaled by max |w_l| (no underflow of w_l^2 for tiny w).
// D and 1 - D from e = exp(-|u|), r = 1 / (1 + e): D = r, 1 - D = e r for u >= 0 (and
// swapped for u < 0), q = e r^2; no 1 - D is formed by subtraction. The order of operations
// below is a float kernel's; the Tracked instantiation analyses it.
#include <cstdint>
#include <optional>
#include <vector>

#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/math.hpp"
#include "gradref/reference/models/gan.hpp"

namespace gradref::reference {

namespace gan_detail {

template <class T>
struct Logistic {
  T d;          ///< sigma(u)
  T one_minus;  ///< 1 - sigma(u)
  T q;          ///< sigma(u) (1 - sigma(u))
};

template <class T>
Logistic<T> logistic(const T& u) {
  using std::abs;
  using std::exp;
  const T e = exp(-abs(u));
  const T r = T(1.0) / (T(1.0) + e);
  const T er = e * r;
  const bool nonnegative = u >= T(0.0);
  return {nonnegative ? r : er, nonnegative ? er : r, er * r};
}

/// softplus(u) = max(u, 0) + log1p(exp(-|u|)).
template <class T>
T softplus(const T& u) {
  using std::abs;
  using std::exp;
  using std::log1p;
  return maximum(u, T(0.0)) + log1p(exp(-abs(u)));
}

/// w . row + b, row = the n values from `row`.
template <class T>
T score(const Array<T>& w, const T* row, const T& b) {
  const std::int64_t n = w.size();
  std::vector<T> products;
  products.reserve(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < n; ++k) products.push_back(w[k] * row[k]);
  return sum(std::span<const T>(products)) + b;
}

}  // namespace gan_detail

template <class T>
GanResult<T> gan(const spec::Gan& s, const Array<T>& x, const Array<T>& z, const GanParams<T>& p,
                 const Array<T>* a) {
  using std::abs;
  using std::sqrt;
  using spec::GanObjective;
  namespace detail = gan_detail;
  spec::validate(s);
  const auto [m, d, k] = spec::gan_dims(s, x.shape(), z.shape(), p.A.shape(), p.c.shape(), p.w.shape(),
                                        p.b.shape(), a ? &a->shape() : nullptr);
  spec::check_gan_values(x.span(), z.span(), p.A.span(), p.c.span(), p.w.span(), p.b.span(),
                         a ? a->span() : std::span<const T>(), [](const T& v) { return value_text(v); });
  const bool logistic = s.discriminator == spec::GanDiscriminator::logistic;
  const T count = T(static_cast<double>(m));
  const T& b = p.b[0];

  // The generated samples g_j = A z_j + c.
  Array<T> g(Shape{m, d}, T(0.0));
  std::vector<T> products(static_cast<std::size_t>(k), T(0.0));
  for (std::int64_t j = 0; j < m; ++j)
    for (std::int64_t i = 0; i < d; ++i) {
      for (std::int64_t l = 0; l < k; ++l) products[static_cast<std::size_t>(l)] = p.A[i * k + l] * z[j * k + l];
      g[j * d + i] = sum(std::span<const T>(products)) + p.c[i];
    }

  // Rows f_r with their coefficients kappa_r; gamma_j for the generated samples.
  std::vector<const T*> rows;
  std::vector<T> kappa, gamma, terms;
  Array<T> xhat;
  T value(0.0), extra(0.0);  // grad_w gets extra * (w / norm)
  T norm(0.0);                // ||w|| (the penalty only)
  std::optional<T> lambda;    // the penalty's weight
  bool per_sample = true;     // the objective is a mean over the M samples
  // Rows [0, real_rows) are x's, the rest g's or xhat's: each group is summed on its own
  // and the two sums added, as a kernel taking the two means does (so that equal
  // groups, e.g. w = 0 in wgan_critic, cancel to exactly 0).
  std::size_t real_rows = 0;
  const auto grouped = [&real_rows](const std::vector<T>& v) {
    const std::span<const T> all(v);
    if (real_rows == 0 || real_rows >= v.size()) return sum(all);
    return sum(all.first(real_rows)) + sum(all.subspan(real_rows));
  };
  switch (s.objective) {
    case GanObjective::minimax:
      real_rows = static_cast<std::size_t>(m);
      for (std::int64_t i = 0; i < m; ++i) {
        const T t = detail::score(p.w, x.data() + i * d, b);
        terms.push_back(detail::softplus(-t));
        rows.push_back(x.data() + i * d);
        kappa.push_back(detail::logistic(t).one_minus);
      }
      for (std::int64_t j = 0; j < m; ++j) {
        const T sj = detail::score(p.w, g.data() + j * d, b);
        terms.push_back(detail::softplus(sj));
        rows.push_back(g.data() + j * d);
        kappa.push_back(-detail::logistic(sj).d);
        gamma.push_back(kappa.back());
      }
      value = -(grouped(terms) / count);
      break;
    case GanObjective::non_saturating:
      for (std::int64_t j = 0; j < m; ++j) {
        const T sj = detail::score(p.w, g.data() + j * d, b);
        terms.push_back(detail::softplus(-sj));
        rows.push_back(g.data() + j * d);
        kappa.push_back(-detail::logistic(sj).one_minus);
        gamma.push_back(kappa.back());
      }
      value = sum(std::span<const T>(terms)) / count;
      break;
    case GanObjective::wgan_critic:
      real_rows = static_cast<std::size_t>(m);
      for (std::int64_t i = 0; i < m; ++i) {
        const T t = detail::score(p.w, x.data() + i * d, b);
        rows.push_back(x.data() + i * d);
        if (logistic) {
          const detail::Logistic<T> l = detail::logistic(t);
          terms.push_back(-l.d);
          kappa.push_back(-l.q);
        } else {
          terms.push_back(-t);
          kappa.push_back(T(-1.0));
        }
      }
      for (std::int64_t j = 0; j < m; ++j) {
        const T sj = detail::score(p.w, g.data() + j * d, b);
        rows.push_back(g.data() + j * d);
        if (logistic) {
          const detail::Logistic<T> l = detail::logistic(sj);
          terms.push_back(l.d);
          kappa.push_back(l.q);
        } else {
          terms.push_back(sj);
          kappa.push_back(T(1.0));
        }
        gamma.push_back(kappa.back());
      }
      value = grouped(terms) / count;
      break;
    case GanObjective::gradient_penalty: {
      // r = ||w||, scaled by the largest |w_l| as BLAS nrm2 and hypot do: unscaled, w_l^2
      // underflows for |w_l| < 2^-75 (float32) and a kernel's norm would be 0.
      T largest(0.0);
      for (std::int64_t l = 0; l < d; ++l) largest = maximum(largest, abs(p.w[l]));
      T r(0.0);
      if (largest > T(0.0)) {
        std::vector<T> squares;
        for (std::int64_t l = 0; l < d; ++l) {
          const T scaled = p.w[l] / largest;
          squares.push_back(scaled * scaled);
        }
        r = sqrt(sum(std::span<const T>(squares))) * largest;
      }
      lambda = T(s.lambda);
      if (!logistic) {
        const T e = r - T(1.0);
        value = *lambda * (e * e);
        extra = T(2.0) * e;
        norm = r;
        per_sample = false;
        break;
      }
      xhat = Array<T>(Shape{m, d}, T(0.0));
      std::vector<T> ms;
      for (std::int64_t i = 0; i < m; ++i) {
        const T& ai = (*a)[i];
        const T bi = T(1.0) - ai;
        for (std::int64_t l = 0; l < d; ++l) xhat[i * d + l] = ai * x[i * d + l] + bi * g[i * d + l];
        const T u = detail::score(p.w, xhat.data() + i * d, b);
        const detail::Logistic<T> l = detail::logistic(u);
        const T e = l.q * r - T(1.0);
        terms.push_back(e * e);
        const T mi = (T(2.0) * e) * l.q;
        ms.push_back(mi);
        const T h = (mi * r) * (l.one_minus - l.d);
        rows.push_back(xhat.data() + i * d);
        kappa.push_back(h);
        gamma.push_back(h * bi);
      }
      value = (*lambda * sum(std::span<const T>(terms))) / count;
      extra = sum(std::span<const T>(ms));
      norm = r;
      break;
    }
  }

  // Every gradient is a sum S over rows or samples, finished as (lambda S) / M for the
  // penalty, S / M for the means, lambda S for the affine critic's penalty.
  const auto finish = [&](const T& total) {
    const T weighted = lambda ? *lambda * total : total;
    return per_sample ? weighted / count : weighted;
  };
  GanResult<T> out{value, Array<T>(Shape{d}, T(0.0)), Array<T>(Shape{}, T(0.0)), Array<T>(Shape{d, k}, T(0.0)),
                   Array<T>(Shape{d}, T(0.0))};
  std::vector<T> column(rows.size(), T(0.0));
  for (std::int64_t l = 0; l < d; ++l) {
    for (std::size_t r = 0; r < rows.size(); ++r) column[r] = kappa[r] * rows[r][l];
    const T rows_part = grouped(column);
    out.grad_w[l] = finish(norm > T(0.0) ? rows_part + extra * (p.w[l] / norm) : rows_part);
  }
  out.grad_b[0] = finish(grouped(kappa));
  // sum_j gamma_j z_j and sum_j gamma_j, then the outer product with w.
  std::vector<T> weighted(gamma.size(), T(0.0));
  for (std::int64_t l = 0; l < k; ++l) {
    for (std::size_t j = 0; j < gamma.size(); ++j) weighted[j] = gamma[j] * z[static_cast<std::int64_t>(j) * k + l];
    const T zl = finish(sum(std::span<const T>(weighted)));
    for (std::int64_t i = 0; i < d; ++i) out.grad_A[i * k + l] = p.w[i] * zl;
  }
  const T gamma_sum = finish(sum(std::span<const T>(gamma)));
  for (std::int64_t i = 0; i < d; ++i) out.grad_c[i] = p.w[i] * gamma_sum;
  return out;
}

}  // namespace gradref::reference
