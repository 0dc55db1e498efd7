#pragma once
// tanh and erf on Tracked values (activations: tanh, gelu, gelu_tanh), and
// irrational constants as a kernel holds them. Declared apart from tracked.hpp so
// that only the ops using them recompile when they change.
#include "gradref/reference/tracked.hpp"

namespace gradref {

/// Ulps of the kernel's tanh: Highway's hwy/contrib/math Tanh ("Max Error: ULP = 4"
/// for float32 and float64 in math-inl.h, Highway 1.0).
inline constexpr double tanh_ulps = 4;

/// Ulps of the kernel's erf: the C library's erf in double (glibc's libm-test-ulps
/// list erf at 1 ULP for double on x86_64). A float32 kernel calls it on the
/// widened operand and rounds the result to float: 1 ULP of double plus half an
/// ULP of float, within 1 ULP of float.
inline constexpr double erf_ulps = 1;

/// tanh(a) as a kernel computes it with one call to tanh. The operand error e
/// propagates as |tanh(x') - tanh(x)| <= e sech^2(max(|x| - e, 0)), and at most 2
/// (tanh' = sech^2 decreases in |x|; tanh lies in (-1, 1)); the call adds tanh_ulps
/// ULPs of the result, and the smallest normal absolutely (a vector tanh may flush
/// subnormal results).
Tracked tanh(const Tracked& a);

/// erf(a) as a kernel computes it with one call to erf. The operand error e
/// propagates as |erf(x') - erf(x)| <= e (2 / sqrt(pi)) exp(-max(|x| - e, 0)^2), and
/// at most 2; the call adds erf_ulps ULPs of the result.
Tracked erf(const Tracked& a);

/// An irrational or decimal constant (1/sqrt(2), sqrt(2/pi), 0.044715) as a kernel
/// holds it: the double nearest to `exact`, with that rounding as its error; meeting
/// a float32 operand it is rounded again, as a kernel's static_cast<float> does.
Tracked double_constant(const Real& exact);

}  // namespace gradref
