#pragma once
// bfloat16 storage: the upper half of a float32 (sign, 8 exponent bits, 7 fraction
// bits), as PyTorch's and JAX's bfloat16 tensors hold it. Arithmetic happens in
// float32; these are the two conversions the fast kernels do per element.
#include <bit>
#include <cstdint>

namespace gradref::fast {

struct bfloat16 {
  std::uint16_t bits = 0;
  friend bool operator==(bfloat16, bfloat16) = default;
};

/// Exact: every bfloat16 is a float32.
inline float to_float(bfloat16 x) { return std::bit_cast<float>(static_cast<std::uint32_t>(x.bits) << 16); }

/// Round to nearest, ties to even (overflow to infinity, as IEEE rounding does);
/// a NaN stays a NaN (quiet, same sign) instead of rounding into an infinity.
inline bfloat16 to_bfloat16(float x) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  if (x != x) return {static_cast<std::uint16_t>((bits >> 16) | 0x0040u)};
  return {static_cast<std::uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16)};
}

}  // namespace gradref::fast
