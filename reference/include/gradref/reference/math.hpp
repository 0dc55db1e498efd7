#pragma once
// Operations reference templates use beyond + - * / sqrt exp log, written so that
// Real takes the plain definition and Tracked (error analysis) its own overload,
// found by argument-dependent lookup.
#include <cmath>
#include <cstdint>
#include <span>

namespace gradref {

template <class T>
T maximum(const T& a, const T& b) {
  return a < b ? b : a;
}

template <class T>
T sum(std::span<const T> terms) {
  T s(0.0);
  for (const T& t : terms) s += t;
  return s;
}

/// log(1 - x). Real evaluates log1p(-x), exact even where 1 - x rounds at the
/// working precision; Tracked models a kernel that rounds 1 - x, then takes log.
template <class T>
T log1m(const T& x) {
  using std::log1p;
  return log1p(-x);
}

/// base^n for an integer exponent (bias corrections beta^t).
template <class T>
T power(const T& base, std::int64_t n) {
  using std::pow;
  return pow(base, T(static_cast<double>(n)));
}

/// -1, 0 or 1 (sign(0) = 0, like jnp.sign and keras.ops.sign). Not `sign`: Boost
/// declares an int-valued sign for Real that argument-dependent lookup would prefer.
template <class T>
T signum(const T& x) {
  return x > T(0.0) ? T(1.0) : (x < T(0.0) ? T(-1.0) : T(0.0));
}

}  // namespace gradref
