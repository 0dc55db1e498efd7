#pragma once
// The affine map of dense and mlp, forward and backward, in the reference's order
// (included by their _impl.hpp headers only, instantiated in reference/src).
//
// Every dot product is a sum(span) of its products. The fast kernels compute them
// with a BLAS gemm, whose order of additions (and use of FMA) is unknown; the
// error model of these ops therefore installs sum_depth(n) = n - 1, which bounds
// a sum of n terms in any order.
#include <cstdint>
#include <span>
#include <vector>

#include "gradref/reference/array.hpp"
#include "gradref/reference/math.hpp"
#include "gradref/spec/dense.hpp"

namespace gradref::reference::affine {

/// W(o, i) whichever layout holds it.
template <class T>
const T& weight_at(const Array<T>& w, spec::WeightLayout layout, const spec::AffineDims& d, std::int64_t o,
                   std::int64_t i) {
  return layout == spec::WeightLayout::out_in ? w[o * d.in + i] : w[i * d.out + o];
}

/// s[n, o] = sum_i x[n, i] W(o, i), then + b[o] when there is a bias.
template <class T>
Array<T> forward(const Array<T>& x, const Array<T>& w, const Array<T>* b, spec::WeightLayout layout,
                 const spec::AffineDims& d) {
  Array<T> s(Shape{d.batch, d.out}, T(0.0));
  std::vector<T> terms(static_cast<std::size_t>(d.in), T(0.0));
  for (std::int64_t n = 0; n < d.batch; ++n)
    for (std::int64_t o = 0; o < d.out; ++o) {
      for (std::int64_t i = 0; i < d.in; ++i)
        terms[static_cast<std::size_t>(i)] = x[n * d.in + i] * weight_at(w, layout, d, o, i);
      T dot = sum(std::span<const T>(terms));
      s[n * d.out + o] = b ? dot + (*b)[o] : dot;
    }
  return s;
}

/// grad_input[n, i] = sum_o g[n, o] W(o, i): g W for W [out, in].
template <class T>
Array<T> grad_input(const Array<T>& g, const Array<T>& w, spec::WeightLayout layout, const spec::AffineDims& d) {
  Array<T> gx(Shape{d.batch, d.in}, T(0.0));
  std::vector<T> terms(static_cast<std::size_t>(d.out), T(0.0));
  for (std::int64_t n = 0; n < d.batch; ++n)
    for (std::int64_t i = 0; i < d.in; ++i) {
      for (std::int64_t o = 0; o < d.out; ++o)
        terms[static_cast<std::size_t>(o)] = g[n * d.out + o] * weight_at(w, layout, d, o, i);
      gx[n * d.in + i] = sum(std::span<const T>(terms));
    }
  return gx;
}

/// grad_weight(o, i) = sum_n g[n, o] x[n, i] (g^T x), stored in W's layout.
template <class T>
Array<T> grad_weight(const Array<T>& g, const Array<T>& x, spec::WeightLayout layout, const spec::AffineDims& d) {
  Array<T> gw(spec::weight_shape(layout, d.in, d.out), T(0.0));
  std::vector<T> terms(static_cast<std::size_t>(d.batch), T(0.0));
  for (std::int64_t o = 0; o < d.out; ++o)
    for (std::int64_t i = 0; i < d.in; ++i) {
      for (std::int64_t n = 0; n < d.batch; ++n) terms[static_cast<std::size_t>(n)] = g[n * d.out + o] * x[n * d.in + i];
      gw[layout == spec::WeightLayout::out_in ? o * d.in + i : i * d.out + o] = sum(std::span<const T>(terms));
    }
  return gw;
}

/// grad_bias[o] = sum_n g[n, o]: the bias gradient summed over the batch.
template <class T>
Array<T> column_sums(const Array<T>& g, const spec::AffineDims& d) {
  Array<T> gb(Shape{d.out}, T(0.0));
  std::vector<T> terms(static_cast<std::size_t>(d.batch), T(0.0));
  for (std::int64_t o = 0; o < d.out; ++o) {
    for (std::int64_t n = 0; n < d.batch; ++n) terms[static_cast<std::size_t>(n)] = g[n * d.out + o];
    gb[o] = sum(std::span<const T>(terms));
  }
  return gb;
}

}  // namespace gradref::reference::affine
