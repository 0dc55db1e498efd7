#pragma once
// An activation's value f(x) and derivative f'(x) at one element, generic over the
// scalar (Real: exact; Tracked: the error model of a kernel performing these
// operations in this order; fast/src/layers/activation-inl.h is that kernel).
// Other reference templates (the activation op, the MLP) call these per element;
// the translation unit instantiating them for Tracked gets tanh and erf from
// tracked_special.hpp, included here.
//
// Operation orders (a kernel may contract a * b + c into an FMA):
//   relu        max(x, 0)                  leaky_relu  x > 0 ? x : x * a
//   tanh        t = tanh x; f' = 1 - t * t
//   sigmoid     e = exp(-|x|); r = 1 / (1 + e); f = x >= 0 ? r : e * r; f' = (e * r) * r
//   softplus    z = x * b (b = 1: z = x); where use_threshold and z > threshold:
//               f = x, f' = 1; else e = exp(-|z|), f = (max(z, 0) + log1p(e)) / b
//               (no division for b = 1), r = 1 / (1 + e), f' = z >= 0 ? r : e * r
//   gelu        c = 0.5 * (1 + erf(x * s)); f = x * c;
//               f' = c + x * (q * exp((x * x) * -0.5)),  s = 1/sqrt(2), q = 1/sqrt(2 pi)
//   gelu_tanh   x2 = x * x; t = tanh(k * (x + c * (x2 * x))); h = 0.5 * x;
//               f = h * (1 + t); f' = 0.5 * (1 + t) + (h * (1 - t * t)) * (k * (1 + c3 * x2)),
//               k = sqrt(2/pi), c = 0.044715, c3 = 3 * c (rounded once, as a per-call scalar)
// Every branch tests the value it is given; where that value is itself a kernel's inexact
// result, activation_derivative widens the Tracked slope (see there). The stable
// sigmoid and softplus never overflow for a finite x.
//
// Three of these forms cancel: 1 + erf(u) and 1 + tanh(y) for large negative
// arguments, 1 - t * t for large |x|. A kernel loses only what its error bound
// allows there (the bound is absolute, a few ULPs of 1), but an exact evaluation
// would lose every digit at any fixed precision and certify a wrong 0. So Real
// evaluates the same quantities as erfc(-u), 2 / (1 + exp(-2 y)) and
// 1 / cosh(x)^2, which do not cancel, and Tracked keeps the kernel's forms.
#include <cmath>
#include <type_traits>

#include <boost/math/constants/constants.hpp>

#include "gradref/reference/math.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked_special.hpp"
#include "gradref/spec/activation.hpp"

namespace gradref::reference {

namespace activation_detail {

/// An irrational or decimal constant: exact in Real, the nearest double in Tracked.
template <class T>
T held(const Real& exact) {
  if constexpr (std::is_same_v<T, Real>) return exact;
  else return double_constant(exact);
}

inline Real pi() { return boost::math::constants::pi<Real>(); }
inline Real kappa() { return at_working_precision(parse_real("0.044715")); }

template <class T>
T sqrt_half() {
  using std::sqrt;
  return held<T>(sqrt(Real(0.5)));
}
template <class T>
T inv_sqrt_two_pi() {
  using std::sqrt;
  return held<T>(1 / sqrt(2 * pi()));
}
template <class T>
T sqrt_two_over_pi() {
  using std::sqrt;
  return held<T>(sqrt(2 / pi()));
}

/// e = exp(-|z|) and r = 1 / (1 + e): sigmoid(z) = z >= 0 ? r : e * r.
template <class T>
struct LogisticParts {
  T e;
  T r;
};

template <class T>
LogisticParts<T> logistic_parts(const T& z) {
  using std::abs;
  using std::exp;
  const T e = exp(-abs(z));
  return {e, T(1.0) / (T(1.0) + e)};
}

template <class T>
T logistic(const T& z) {
  const LogisticParts<T> p = logistic_parts(z);
  return z >= T(0.0) ? p.r : p.e * p.r;
}

template <class T>
T scaled(const spec::Activation& s, const T& x) {
  return s.beta == 1.0 ? x : x * T(s.beta);
}

/// 1 + erf(u).
template <class T>
T one_plus_erf(const T& u) {
  using std::erf;
  using std::erfc;
  if constexpr (std::is_same_v<T, Real>) return erfc(-u);
  else return T(1.0) + erf(u);
}

/// 1 + tanh(y), from t = tanh(y).
template <class T>
T one_plus_tanh(const T& y, const T& t) {
  using std::exp;
  if constexpr (std::is_same_v<T, Real>) return 2 / (1 + exp(-2 * y));
  else return T(1.0) + t;
}

/// 1 - tanh(y)^2, from t = tanh(y).
template <class T>
T one_minus_tanh_squared(const T& y, const T& t) {
  using std::cosh;
  if constexpr (std::is_same_v<T, Real>) {
    const Real c = cosh(y);
    return 1 / (c * c);
  } else {
    return T(1.0) - t * t;
  }
}

template <class T>
bool above_threshold(const spec::Activation& s, const T& z) {
  return s.use_threshold && z > T(s.threshold);
}

}  // namespace activation_detail

/// The GELU tanh approximation's value at x.
template <class T>
T gelu_tanh_value(const T& x) {
  using std::tanh;
  namespace d = activation_detail;
  const T x2 = x * x;
  const T y = d::sqrt_two_over_pi<T>() * (x + d::held<T>(d::kappa()) * (x2 * x));
  return (T(0.5) * x) * d::one_plus_tanh(y, tanh(y));
}

/// The exact derivative of gelu_tanh_value at x.
template <class T>
T gelu_tanh_derivative(const T& x) {
  using std::tanh;
  namespace d = activation_detail;
  const T k = d::sqrt_two_over_pi<T>();
  const T c = d::held<T>(d::kappa());
  const T c3 = T(3.0) * c;
  const T x2 = x * x;
  const T y = k * (x + c * (x2 * x));
  const T t = tanh(y);
  const T h = T(0.5) * x;
  return T(0.5) * d::one_plus_tanh(y, t) + (h * d::one_minus_tanh_squared(y, t)) * (k * (T(1.0) + c3 * x2));
}

/// f(x) for the spec's function.
template <class T>
T activation_value(const spec::Activation& s, const T& x) {
  using std::log1p;
  using std::tanh;
  namespace d = activation_detail;
  using F = spec::ActivationFunction;
  switch (s.function) {
    case F::identity: return x;
    case F::relu: return maximum(x, T(0.0));
    case F::leaky_relu: return x > T(0.0) ? x : x * T(s.negative_slope);
    case F::tanh: return tanh(x);
    case F::sigmoid: return d::logistic(x);
    case F::softplus: {
      const T z = d::scaled(s, x);
      if (d::above_threshold(s, z)) return x;
      const T e = d::logistic_parts(z).e;
      const T sum = maximum(z, T(0.0)) + log1p(e);
      return s.beta == 1.0 ? sum : sum / T(s.beta);
    }
    case F::gelu: return x * (T(0.5) * d::one_plus_erf(x * d::sqrt_half<T>()));
  }
  return x;
}

namespace activation_detail {

/// f'(x) on the branch x's value selects.
template <class T>
T derivative_on_branch(const spec::Activation& s, const T& x) {
  using std::exp;
  using std::tanh;
  namespace d = activation_detail;
  using F = spec::ActivationFunction;
  using spec::KinkSide;
  const T zero(0.0), one(1.0);
  switch (s.function) {
    case F::identity: return one;
    case F::relu:
      if (x == zero) return s.relu_derivative_at_zero == KinkSide::right ? one : zero;
      return x > zero ? one : zero;
    case F::leaky_relu:
      if (x == zero) return s.leaky_relu_derivative_at_zero == KinkSide::right ? one : T(s.negative_slope);
      return x > zero ? one : T(s.negative_slope);
    case F::tanh: return d::one_minus_tanh_squared(x, tanh(x));
    case F::sigmoid: {
      const d::LogisticParts<T> p = d::logistic_parts(x);
      return (p.e * p.r) * p.r;
    }
    case F::softplus: {
      const T z = d::scaled(s, x);
      if (d::above_threshold(s, z)) return one;
      return d::logistic(z);
    }
    case F::gelu: {
      const T c = T(0.5) * d::one_plus_erf(x * d::sqrt_half<T>());
      return c + x * (d::inv_sqrt_two_pi<T>() * exp((x * x) * T(-0.5)));
    }
  }
  return one;
}

}  // namespace activation_detail

/// f'(x) for the spec's function; at the kinks of relu and leaky_relu (x = 0) the
/// slope of the side the spec names.
///
/// For Tracked, x may itself be a kernel's inexact result (the MLP's
/// pre-activations). Where x's error reaches its distance to a branch point (relu
/// and leaky_relu at 0, thresholded softplus at beta x = threshold), the kernel's x
/// may lie on the other side and take the other branch's slope: the error then
/// grows by the jump between the branches (|1 - 0|, |1 - negative_slope|; at most
/// 1 for softplus, whose slopes lie in [0, 1]). An exact x (error 0) never widens.
template <class T>
T activation_derivative(const spec::Activation& s, const T& x) {
  T slope = activation_detail::derivative_on_branch(s, x);
  if constexpr (std::is_same_v<T, Tracked>) {
    using F = spec::ActivationFunction;
    if (x.error() == 0) return slope;
    Real jump = 0;
    const bool may_cross_zero = abs(x.value()) <= x.error();
    if (s.function == F::relu && may_cross_zero) jump = 1;
    if (s.function == F::leaky_relu && may_cross_zero) jump = abs(1 - Real(s.negative_slope));
    if (s.function == F::softplus && s.use_threshold &&
        abs(x.value() * s.beta - s.threshold) <= 2 * x.error() * std::abs(s.beta))
      jump = 1;
    if (jump > 0) slope = Tracked(slope.value(), slope.error() + jump, slope.format());
  }
  return slope;
}

}  // namespace gradref::reference
