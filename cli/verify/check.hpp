#pragma once
// The element-wise check of `gradref verify`: a candidate's output against the
// golden output's exact values and bounds, evaluated exactly, with the error also
// expressed in ULPs of the candidate's dtype.
//
// An element passes when |candidate - exact| <= bound. The exact value is a
// decimal with `digits` certified significant digits; at 40 digits the bound's
// slack (|exact| 2^-128) already covers the decimal's rounding. With d < 40
// digits the true value x is only known within one unit u = 10^(E - d + 1) of the
// decimal's last digit (E its decimal exponent), so the error is known within u:
// the element passes if error + u <= bound, fails if error - u > bound, and is
// undecided otherwise (reported, not counted as a failure: the golden file, not the
// candidate, cannot tell).
#include <cstdint>
#include <optional>
#include <string>

#include "gradref/catalog/catalog.hpp"
#include "verify/golden_file.hpp"

namespace gradref::cli::verify {

/// One element, as reports show it.
struct ElementCheck {
  std::int64_t index = 0;     ///< row-major
  std::string exact;          ///< the golden decimal
  double candidate = 0;
  std::string error;          ///< |candidate - exact|, 6 significant digits ("inf" for a non-finite mismatch)
  double ulps = 0;            ///< error / ulp(exact) in the dtype
  std::string bound;          ///< 6 significant digits, "inf" when unbounded
  double bound_ulps = 0;      ///< bound / ulp(exact)
  double ratio = 0;           ///< error / bound (0 when the error is 0; inf when the bound is 0 and the error is not)
  bool passed = true;
  bool undecided = false;
};

struct OutputCheck {
  std::string name;
  std::int64_t step = -1;      ///< resynchronized trajectories: the step (0-based); -1 otherwise
  std::int64_t checked = 0;    ///< elements compared
  std::int64_t failed = 0;
  std::int64_t undecided = 0;
  std::optional<ElementCheck> worst;  ///< the element with the largest bound ratio (a failing one if any)
  double worst_ulps = 0;       ///< largest error in ULPs over the elements
  std::int64_t worst_ulps_index = 0;

  bool passed() const { return failed == 0; }
};

/// Unit in the last place of `exact` in the dtype: 2^(max(e, emin) - p + 1), e = floor(log2 |exact|).
Real ulp_of(const Real& exact, const std::string& dtype);

/// Compares `candidate` (same shape as `golden`) element by element.
OutputCheck check_output(const std::string& name, const GoldenOutput& golden, const Array<double>& candidate,
                         const std::string& dtype);

}  // namespace gradref::cli::verify
