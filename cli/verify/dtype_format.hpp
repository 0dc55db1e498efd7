#pragma once
// The binary floating-point formats a candidate may compute in, as one table: its
// precision p (significand bits, the hidden one included) and exponent range. ULPs
// and "is this a value of the dtype" both follow from the row, so a new dtype is
// one more row.
#include <string>

namespace gradref::cli::verify {

struct FloatFormat {
  const char* name;
  int precision;     ///< p
  int min_exponent;  ///< emin: the exponent of the smallest normal number, 2^emin
  int max_exponent;  ///< emax: the largest finite numbers are below 2^(emax + 1)
};

/// The row of `dtype` ("float32", "float64", "bfloat16"); throws
/// InvalidInput("gradref", field, dtype, ...) naming `field` for another name.
const FloatFormat& float_format(const std::string& dtype, const std::string& field = "dtype");

/// Whether the finite or infinite double `x` is a value of `format` (nan and the
/// infinities are; a finite x must fit the exponent range and the precision).
bool representable(double x, const FloatFormat& format);

}  // namespace gradref::cli::verify
