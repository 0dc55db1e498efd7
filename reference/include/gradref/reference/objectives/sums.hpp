#pragma once
// The sums the objectives and line searches share, in the fast kernels' order.
#include <cstdint>
#include <span>
#include <string>

#include "gradref/reference/array.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::reference::detail {

/// Left-to-right dot product from 0.
template <class T>
T dot(std::span<const T> a, std::span<const T> b) {
  T acc(0.0);
  for (std::size_t i = 0; i < a.size(); ++i) acc = acc + a[i] * b[i];
  return acc;
}

/// Row i of a row-major [*, n] array.
template <class T>
std::span<const T> row(const Array<T>& a, std::int64_t i, std::int64_t n) {
  return a.slice(i * n, n);
}

template <class T>
void require_dimension(const Array<T>& theta, std::int64_t n, const char* op) {
  if (theta.rank() != 1 || theta.size() != n)
    throw InvalidInput(op, "theta.shape", shape_text(theta.shape()), "shape [" + std::to_string(n) + "]");
}

}  // namespace gradref::reference::detail
