#pragma once
// Definition of reference::autoregressive (instantiated in reference/src).
//
// Per example x and position i, in this order:
//   z_i = sum(a_i, W_ij for the j < i with x_j = 1)     (x binary: no products)
//   t_i = -(2 x_i - 1) z_i  (= -z_i if x_i = 1, z_i if x_i = 0; a negation, exact)
//   e_i = exp(-|t_i|),  softplus(t_i) = max(t_i, 0) + log1p(e_i)
//   log p(x_i | x_<i) = -softplus(t_i)            (never log(sigmoid(z)): no underflow)
//   r_i = x_i - sigmoid(z_i) = (2 x_i - 1) sigmoid(t_i),
//   sigmoid(t) = 1 / (1 + e) (t >= 0), e / (1 + e) (t < 0)   (no cancellation)
// then log p(x) = sum_i log p(x_i | x_<i) (all terms <= 0), and over the batch
//   log_likelihood = sum_m log p(x_m) / M,  grad_a_i = sum_m r_mi / M,
//   grad_W_ij = sum(r_mi for the m with x_mj = 1) / M  (j < i).
// Sums use sum(span) (the kernel's reduction; adding the omitted zero terms would be
// exact). The Tracked instantiation analyses this order.
#include <vector>

#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/math.hpp"
#include "gradref/reference/models/autoregressive.hpp"

namespace gradref::reference {

template <class T>
AutoregressiveResult<T> autoregressive(const spec::Autoregressive& s, const Array<T>& a, const Array<T>& W,
                                       const Shape& data_shape, std::span<const std::int64_t> data) {
  using std::abs;
  using std::exp;
  using std::log1p;
  spec::validate(s);
  const auto [m, d] = spec::autoregressive_dims(a.shape(), W.shape(), data_shape);
  spec::check_binary_data(data);
  spec::check_autoregressive_values(a.span(), W.span(), [](const T& x) { return value_text(x); });

  const T count = T(static_cast<double>(m));
  Array<T> log_prob(Shape{m}, T(0.0));
  std::vector<T> residual(static_cast<std::size_t>(m * d), T(0.0));
  std::vector<T> terms;
  std::vector<T> log_terms(static_cast<std::size_t>(d), T(0.0));
  for (std::int64_t n = 0; n < m; ++n) {
    const std::int64_t* x = data.data() + n * d;
    for (std::int64_t i = 0; i < d; ++i) {
      terms.assign(1, a[i]);
      for (std::int64_t j = 0; j < i; ++j)
        if (x[j] == 1) terms.push_back(W[i * d + j]);
      const T z = sum(std::span<const T>(terms));
      const bool on = x[i] == 1;
      const T t = on ? -z : z;
      const T e = exp(-abs(t));
      log_terms[static_cast<std::size_t>(i)] = -(maximum(t, T(0.0)) + log1p(e));
      const T sig = t >= T(0.0) ? T(1.0) / (T(1.0) + e) : e / (T(1.0) + e);
      residual[static_cast<std::size_t>(n * d + i)] = on ? sig : -sig;
    }
    log_prob[n] = sum(std::span<const T>(log_terms));
  }

  const T log_likelihood = sum(std::span<const T>(log_prob.span())) / count;
  Array<T> grad_a(Shape{d}, T(0.0)), grad_W(Shape{d, d}, T(0.0));
  for (std::int64_t i = 0; i < d; ++i) {
    terms.clear();
    for (std::int64_t n = 0; n < m; ++n) terms.push_back(residual[static_cast<std::size_t>(n * d + i)]);
    grad_a[i] = sum(std::span<const T>(terms)) / count;
    for (std::int64_t j = 0; j < i; ++j) {
      terms.clear();
      for (std::int64_t n = 0; n < m; ++n)
        if (data[static_cast<std::size_t>(n * d + j)] == 1) terms.push_back(residual[static_cast<std::size_t>(n * d + i)]);
      grad_W[i * d + j] = sum(std::span<const T>(terms)) / count;
    }
  }
  return {log_likelihood, std::move(log_prob), std::move(grad_a), std::move(grad_W)};
}

}  // namespace gradref::reference
