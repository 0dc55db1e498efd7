// Per-target activations on one vector: ActivationValue (f(x)) and
// ActivationDerivative (f'(x)) for an ActivationParams, GeluTanhValue and
// GeluTanhDerivative, each in the operation order of
// reference/include/gradref/reference/layers/activation_fn.hpp, whose Tracked
// instantiation is their error model. tanh is Highway's Tanh (4 ULP), exp and
// log1p Highway's Exp (1 ULP) and Log1p (2 ULP, within the model's 4); erf is the
// C library's, per element in double (no vector erf in Highway), rounded to T.
// Arguments stay in Highway's valid ranges for any finite x: Exp sees -|z| and
// -x^2/2 clamped to the lowest finite value, Log1p sees exp(-|z|) in [0, 1].
//
// Included by a Highway translation unit once per target (the toggle below is
// Highway's pattern for such headers).
#if defined(GRADREF_FAST_ACTIVATION_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GRADREF_FAST_ACTIVATION_INL_H_
#undef GRADREF_FAST_ACTIVATION_INL_H_
#else
#define GRADREF_FAST_ACTIVATION_INL_H_
#endif

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <cmath>
#include <cstddef>

#include "layers/activation_params.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// erf of every lane: the C library's erf in double, rounded to the lane type.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ErfPerLane(D d, V u) {
  using T = hn::TFromD<D>;
  HWY_ALIGN T lanes[hn::MaxLanes(d)];
  hn::Store(u, d, lanes);
  for (std::size_t i = 0; i < hn::Lanes(d); ++i) lanes[i] = static_cast<T>(std::erf(static_cast<double>(lanes[i])));
  return hn::Load(d, lanes);
}

/// e = exp(-|z|) and r = 1 / (1 + e): sigmoid(z) = z >= 0 ? r : e r.
template <class V>
struct LogisticLanes {
  V e;
  V r;
};

template <class D, class V = hn::Vec<D>>
HWY_INLINE LogisticLanes<V> LogisticParts(D d, V z) {
  using T = hn::TFromD<D>;
  const V e = hn::Exp(d, hn::Neg(hn::Abs(z)));
  return {e, hn::Div(hn::Set(d, T(1)), hn::Add(hn::Set(d, T(1)), e))};
}

template <class D, class V = hn::Vec<D>>
HWY_INLINE V Logistic(D d, V z) {
  const LogisticLanes<V> p = LogisticParts(d, z);
  return hn::IfThenElse(hn::Ge(z, hn::Zero(d)), p.r, hn::Mul(p.e, p.r));
}

/// softplus's z = beta x (x itself for beta = 1).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V SoftplusArgument(D d, const ActivationParams& p, V x) {
  using T = hn::TFromD<D>;
  return p.beta == 1.0 ? x : hn::Mul(x, hn::Set(d, static_cast<T>(p.beta)));
}

/// Lanes where softplus reverts to the identity: use_threshold and z > threshold.
template <class D, class V = hn::Vec<D>>
HWY_INLINE hn::Mask<D> AboveThreshold(D d, const ActivationParams& p, V z) {
  using T = hn::TFromD<D>;
  if (!p.use_threshold) return hn::FirstN(d, 0);
  return hn::Gt(z, hn::Set(d, static_cast<T>(p.threshold)));
}

/// 0.5 (1 + erf(x / sqrt 2)): the standard normal cdf Phi(x).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V NormalCdf(D d, V x) {
  using T = hn::TFromD<D>;
  const V erf = ErfPerLane(d, hn::Mul(x, hn::Set(d, static_cast<T>(kSqrtHalf))));
  return hn::Mul(hn::Set(d, T(0.5)), hn::Add(hn::Set(d, T(1)), erf));
}

/// f(x) of the activation p names.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ActivationValue(D d, const ActivationParams& p, V x) {
  using T = hn::TFromD<D>;
  using F = spec::ActivationFunction;
  const V zero = hn::Zero(d);
  switch (p.function) {
    case F::identity: return x;
    case F::relu: return hn::Max(x, zero);
    case F::leaky_relu:
      return hn::IfThenElse(hn::Gt(x, zero), x, hn::Mul(x, hn::Set(d, static_cast<T>(p.negative_slope))));
    case F::tanh: return hn::Tanh(d, x);
    case F::sigmoid: return Logistic(d, x);
    case F::softplus: {
      const V z = SoftplusArgument(d, p, x);
      const V sum = hn::Add(hn::Max(z, zero), hn::Log1p(d, LogisticParts(d, z).e));
      const V value = p.beta == 1.0 ? sum : hn::Div(sum, hn::Set(d, static_cast<T>(p.beta)));
      return hn::IfThenElse(AboveThreshold(d, p, z), x, value);
    }
    case F::gelu: return hn::Mul(x, NormalCdf(d, x));
  }
  return x;
}

/// f'(x) of the activation p names (at x = 0 for relu and leaky_relu, the side p names).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ActivationDerivative(D d, const ActivationParams& p, V x) {
  using T = hn::TFromD<D>;
  using F = spec::ActivationFunction;
  const V zero = hn::Zero(d), one = hn::Set(d, T(1));
  switch (p.function) {
    case F::identity: return one;
    case F::relu: return hn::IfThenElseZero(p.relu_right_at_zero ? hn::Ge(x, zero) : hn::Gt(x, zero), one);
    case F::leaky_relu:
      return hn::IfThenElse(p.leaky_relu_right_at_zero ? hn::Ge(x, zero) : hn::Gt(x, zero), one,
                            hn::Set(d, static_cast<T>(p.negative_slope)));
    case F::tanh: {
      const V t = hn::Tanh(d, x);
      return hn::NegMulAdd(t, t, one);
    }
    case F::sigmoid: {
      const LogisticLanes<V> l = LogisticParts(d, x);
      return hn::Mul(hn::Mul(l.e, l.r), l.r);
    }
    case F::softplus: {
      const V z = SoftplusArgument(d, p, x);
      return hn::IfThenElse(AboveThreshold(d, p, z), one, Logistic(d, z));
    }
    case F::gelu: {
      const V c = NormalCdf(d, x);
      const V w = hn::Max(hn::Mul(hn::Mul(x, x), hn::Set(d, T(-0.5))), hn::Set(d, hwy::LowestValue<T>()));
      const V pdf = hn::Mul(hn::Set(d, static_cast<T>(kInvSqrtTwoPi)), hn::Exp(d, w));
      return hn::MulAdd(x, pdf, c);
    }
  }
  return one;
}

/// tanh(k (x + c x^3)) of gelu_tanh, from x and x2 = x x.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V GeluTanhInner(D d, V x, V x2) {
  using T = hn::TFromD<D>;
  const V inner = hn::MulAdd(hn::Set(d, static_cast<T>(kGeluTanhCubic)), hn::Mul(x2, x), x);
  return hn::Tanh(d, hn::Mul(hn::Set(d, static_cast<T>(kSqrtTwoOverPi)), inner));
}

/// gelu_tanh's f(x) = (x / 2) (1 + tanh(k (x + c x^3))).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V GeluTanhValue(D d, V x) {
  using T = hn::TFromD<D>;
  const V t = GeluTanhInner(d, x, hn::Mul(x, x));
  return hn::Mul(hn::Mul(hn::Set(d, T(0.5)), x), hn::Add(hn::Set(d, T(1)), t));
}

/// gelu_tanh's f'(x) = (1 + t) / 2 + ((x / 2) (1 - t^2)) (k (1 + 3 c x^2)).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V GeluTanhDerivative(D d, V x) {
  using T = hn::TFromD<D>;
  const V half = hn::Set(d, T(0.5)), one = hn::Set(d, T(1));
  const V x2 = hn::Mul(x, x);
  const V t = GeluTanhInner(d, x, x2);
  const V h = hn::Mul(half, x);
  const V slope = hn::Mul(hn::Set(d, static_cast<T>(kSqrtTwoOverPi)),
                          hn::MulAdd(hn::Set(d, static_cast<T>(kGeluTanhCubic3)), x2, one));
  return hn::MulAdd(hn::Mul(h, hn::NegMulAdd(t, t, one)), slope, hn::Mul(half, hn::Add(one, t)));
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GRADREF_FAST_ACTIVATION_INL_H_
