#pragma once
// Definition of reference::nade (instantiated in reference/src).
//
// Forward, per example x (Larochelle & Murray 2011, eq. 2-3): the pre-activation
// starts at act = c and, after position i, gains W[:, i] where x_i = 1 (a running
// sum, as every implementation computes it). At position i, per hidden unit k:
//   e = exp(-|act_k|),  h_ik = 1/(1 + e) or e/(1 + e),  1 - h_ik = e/(1 + e) or 1/(1 + e)
// (the two by the sign of act_k: neither cancels), then
//   z_i = sum(b_i, V_ik h_ik over k),  t_i = x_i ? -z_i : z_i,
//   log p(x_i | x_<i) = -(max(t_i, 0) + log1p(exp(-|t_i|))),  r_i = +-sigmoid(t_i) = x_i - sigmoid(z_i)
// as in the FVSBN (autoregressive_impl.hpp). Backward (Algorithm 1, for ascent), from
// i = D-1 down to 0 with acc = 0 in R^H:
//   db_i = r_i,  dV_ik = r_i h_ik,  dW_ki = x_i acc_k,
//   acc_k = acc_k + (r_i V_ik) (h_ik (1 - h_ik)),
// and dc = acc at the end. Each example's gradient is then averaged over the batch:
// sum(span) over the examples, divided by M.
#include <vector>

#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/math.hpp"
#include "gradref/reference/models/nade.hpp"

namespace gradref::reference {

template <class T>
NadeResult<T> nade(const spec::Nade& s, const Array<T>& b, const Array<T>& c, const Array<T>& W, const Array<T>& V,
                   const Shape& data_shape, std::span<const std::int64_t> data) {
  using std::abs;
  using std::exp;
  using std::log1p;
  spec::validate(s);
  const auto [m, d, nh] = spec::nade_dims(b.shape(), c.shape(), W.shape(), V.shape(), data_shape);
  spec::check_nade_data(data);
  spec::check_nade_values(b.span(), c.span(), W.span(), V.span(), [](const T& x) { return value_text(x); });

  const auto D = static_cast<std::size_t>(d), H = static_cast<std::size_t>(nh), M = static_cast<std::size_t>(m);
  Array<T> log_prob(Shape{m}, T(0.0));
  // Per-example gradients, [M][size], averaged at the end.
  std::vector<std::vector<T>> gb(M), gc(M), gw(M), gv(M);
  std::vector<T> act(H, T(0.0)), h(D * H, T(0.0)), hc(D * H, T(0.0)), r(D, T(0.0)), log_terms(D, T(0.0)), terms;
  for (std::size_t n = 0; n < M; ++n) {
    const std::int64_t* x = data.data() + n * D;
    for (std::size_t k = 0; k < H; ++k) act[k] = c[static_cast<std::int64_t>(k)];
    for (std::size_t i = 0; i < D; ++i) {
      terms.assign(1, b[static_cast<std::int64_t>(i)]);
      for (std::size_t k = 0; k < H; ++k) {
        const T e = exp(-abs(act[k]));
        const T den = T(1.0) + e;
        const bool up = act[k] >= T(0.0);
        h[i * H + k] = up ? T(1.0) / den : e / den;
        hc[i * H + k] = up ? e / den : T(1.0) / den;
        terms.push_back(V[static_cast<std::int64_t>(i * H + k)] * h[i * H + k]);
      }
      const T z = sum(std::span<const T>(terms));
      const bool on = x[i] == 1;
      const T t = on ? -z : z;
      const T e = exp(-abs(t));
      log_terms[i] = -(maximum(t, T(0.0)) + log1p(e));
      const T sig = t >= T(0.0) ? T(1.0) / (T(1.0) + e) : e / (T(1.0) + e);
      r[i] = on ? sig : -sig;
      if (on)
        for (std::size_t k = 0; k < H; ++k) act[k] = act[k] + W[static_cast<std::int64_t>(k * D + i)];
    }
    log_prob[static_cast<std::int64_t>(n)] = sum(std::span<const T>(log_terms));

    gb[n] = r;
    gv[n].assign(D * H, T(0.0));
    gw[n].assign(H * D, T(0.0));
    std::vector<T> acc(H, T(0.0));
    for (std::size_t i = D; i-- > 0;) {
      for (std::size_t k = 0; k < H; ++k) {
        gv[n][i * H + k] = r[i] * h[i * H + k];
        if (x[i] == 1) gw[n][k * D + i] = acc[k];
        acc[k] = acc[k] + (r[i] * V[static_cast<std::int64_t>(i * H + k)]) * (h[i * H + k] * hc[i * H + k]);
      }
    }
    gc[n] = std::move(acc);
  }

  const T count = T(static_cast<double>(m));
  auto mean = [&](const std::vector<std::vector<T>>& per_example, const Shape& shape) {
    Array<T> out(shape, T(0.0));
    std::vector<T> column(M, T(0.0));
    for (std::int64_t j = 0; j < out.size(); ++j) {
      for (std::size_t n = 0; n < M; ++n) column[n] = per_example[n][static_cast<std::size_t>(j)];
      out[j] = sum(std::span<const T>(column)) / count;
    }
    return out;
  };
  const T log_likelihood = sum(std::span<const T>(log_prob.span())) / count;
  return {log_likelihood,          std::move(log_prob),    mean(gb, Shape{d}),
          mean(gc, Shape{nh}),     mean(gw, Shape{nh, d}), mean(gv, Shape{d, nh})};
}

}  // namespace gradref::reference
