#pragma once
// Dual<V>: a value and a tangent, forward-mode differentiation by dual numbers
// (x + x' e with e^2 = 0). Each function's rule is its derivative, written here
// once and independently of the graph engine's vector-Jacobian products, so that
// running a forward pass over Dual gives directional derivatives to check reverse
// mode against. Comparisons look at the value only, like the branches of the
// reference code. Used with V = Real.
#include <cstdint>
#include <utility>

namespace gradref::reference {

template <class V>
class Dual {
 public:
  Dual(double constant) : value_(constant), tangent_(0.0) {}  // NOLINT: constants appear as T(0.5)
  Dual(V value, V tangent) : value_(std::move(value)), tangent_(std::move(tangent)) {}

  const V& value() const noexcept { return value_; }
  const V& tangent() const noexcept { return tangent_; }

  friend Dual operator+(const Dual& a, const Dual& b) { return {a.value_ + b.value_, a.tangent_ + b.tangent_}; }
  friend Dual operator-(const Dual& a, const Dual& b) { return {a.value_ - b.value_, a.tangent_ - b.tangent_}; }
  friend Dual operator-(const Dual& a) { return {-a.value_, -a.tangent_}; }
  /// (a b)' = a' b + a b'
  friend Dual operator*(const Dual& a, const Dual& b) {
    return {a.value_ * b.value_, a.tangent_ * b.value_ + a.value_ * b.tangent_};
  }
  /// (a / b)' = (a' b - a b') / b^2
  friend Dual operator/(const Dual& a, const Dual& b) {
    return {a.value_ / b.value_, (a.tangent_ * b.value_ - a.value_ * b.tangent_) / (b.value_ * b.value_)};
  }
  Dual& operator+=(const Dual& b) { return *this = *this + b; }
  Dual& operator-=(const Dual& b) { return *this = *this - b; }
  Dual& operator*=(const Dual& b) { return *this = *this * b; }
  Dual& operator/=(const Dual& b) { return *this = *this / b; }

  /// exp' = exp
  friend Dual exp(const Dual& a) {
    using std::exp;
    V e = exp(a.value_);
    return {e, e * a.tangent_};
  }
  /// log' = 1 / x
  friend Dual log(const Dual& a) {
    using std::log;
    return {log(a.value_), a.tangent_ / a.value_};
  }
  /// log1p' = 1 / (1 + x)
  friend Dual log1p(const Dual& a) {
    using std::log1p;
    return {log1p(a.value_), a.tangent_ / (V(1) + a.value_)};
  }
  /// sqrt' = 1 / (2 sqrt x)
  friend Dual sqrt(const Dual& a) {
    using std::sqrt;
    V r = sqrt(a.value_);
    return {r, a.tangent_ / (V(2) * r)};
  }
  /// tanh' = 1 / cosh^2 (not 1 - tanh^2, which the graph's VJP uses)
  friend Dual tanh(const Dual& a) {
    using std::cosh;
    using std::tanh;
    V c = cosh(a.value_);
    return {tanh(a.value_), a.tangent_ / (c * c)};
  }
  /// |x|' = sign(x), 0 at 0
  friend Dual abs(const Dual& a) {
    using std::abs;
    const V zero(0);
    return {abs(a.value_), a.value_ > zero ? a.tangent_ : a.value_ < zero ? V(-a.tangent_) : zero};
  }
  /// (x^n)' = n x^(n-1)
  friend Dual power(const Dual& a, std::int64_t n) {
    using std::pow;
    const V nv(static_cast<double>(n));
    return {pow(a.value_, nv), n == 0 ? V(0) : V(nv * pow(a.value_, V(static_cast<double>(n - 1))) * a.tangent_)};
  }
  /// (x^y)' = y x^(y-1) x' + x^y log(x) y' (the second term only where y varies)
  friend Dual pow(const Dual& a, const Dual& b) {
    using std::log;
    using std::pow;
    V p = pow(a.value_, b.value_);
    V t = b.value_ * pow(a.value_, V(b.value_ - V(1))) * a.tangent_;
    if (b.tangent_ != V(0)) t += p * log(a.value_) * b.tangent_;
    return {std::move(p), std::move(t)};
  }
  /// max(a, b): the tangent of the larger; at a tie, the mean of both tangents
  /// (the directional derivative of max does not exist there; the mean is what
  /// the graph's even split of the gradient pairs with).
  friend Dual maximum(const Dual& a, const Dual& b) {
    if (a.value_ > b.value_) return a;
    if (b.value_ > a.value_) return b;
    return {a.value_, (a.tangent_ + b.tangent_) / V(2)};
  }

  friend bool operator<(const Dual& a, const Dual& b) { return a.value_ < b.value_; }
  friend bool operator>(const Dual& a, const Dual& b) { return a.value_ > b.value_; }
  friend bool operator<=(const Dual& a, const Dual& b) { return a.value_ <= b.value_; }
  friend bool operator>=(const Dual& a, const Dual& b) { return a.value_ >= b.value_; }
  friend bool operator==(const Dual& a, const Dual& b) { return a.value_ == b.value_; }

 private:
  V value_;
  V tangent_;
};

}  // namespace gradref::reference
