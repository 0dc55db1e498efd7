#pragma once
// cos on Tracked values (cosine schedules). Declared apart from tracked.hpp so that
// the one op using it does not recompile every translation unit holding a Tracked.
#include "gradref/reference/tracked.hpp"

namespace gradref {

/// Ulps of the kernel's cos: the C library's, glibc's within 1 ULP for float and
/// double (its manual's libm-test-ulps tables list cos and cosf at 1 on x86_64).
inline constexpr double cos_ulps = 1;

/// cos(a) as a kernel computes it with one call to cos. The operand error e
/// propagates as |cos(x') - cos(x)| <= min(e, 2) (cos is 1-Lipschitz and in [-1, 1]);
/// the call adds cos_ulps ULPs of the result.
Tracked cos(const Tracked& a);

}  // namespace gradref
