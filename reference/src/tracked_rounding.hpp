#pragma once
// The rounding step every Tracked operation ends with, shared by the translation
// units defining Tracked functions (tracked.cpp, tracked_special.cpp). Private to
// reference/src.
#include "gradref/reference/tracked.hpp"

namespace gradref::detail {

/// x rounded to nearest in format f.
Real round_in(const Real& x, Format f);

Real infinity();

/// Result r of an operation whose inputs carry propagated error p, rounded in f.
/// `ulps` > 0 for math-library functions, 0 for correctly rounded operations;
/// `exact_underflow` for + and -, whose underflowing results are exact;
/// `absolute_floor` for functions a vector library may flush below the normal range.
Tracked rounded(const Real& r, const Real& p, Format f, double ulps = 0, bool exact_underflow = false,
                double absolute_floor = 0);

}  // namespace gradref::detail
