#include "verify/dtype_format.hpp"

#include <array>
#include <cmath>

#include "gradref/spec/errors.hpp"

namespace gradref::cli::verify {

namespace {
// IEEE 754 binary32 and binary64; bfloat16 is binary32 with 8 significand bits.
constexpr std::array<FloatFormat, 3> formats = {{
    {"float32", 24, -126, 127},
    {"float64", 53, -1022, 1023},
    {"bfloat16", 8, -126, 127},
}};
}  // namespace

const FloatFormat& float_format(const std::string& dtype, const std::string& field) {
  std::string names;
  for (const FloatFormat& f : formats) {
    if (dtype == f.name) return f;
    names += (names.empty() ? "" : ", ") + std::string(f.name);
  }
  throw InvalidInput("gradref", field, "\"" + dtype + "\"", "one of: " + names);
}

bool representable(double x, const FloatFormat& format) {
  if (!std::isfinite(x) || x == 0) return true;
  const int e = std::ilogb(x);  // floor(log2 |x|), exact for subnormal doubles too
  if (e > format.max_exponent) return false;
  // x must be an integer multiple of the quantum 2^(max(e, emin) - p + 1).
  const int quantum = (e > format.min_exponent ? e : format.min_exponent) - format.precision + 1;
  const double scaled = std::ldexp(x, -quantum);
  return std::trunc(scaled) == scaled;
}

}  // namespace gradref::cli::verify
