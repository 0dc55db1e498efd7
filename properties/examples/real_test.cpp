// gradref::Real: exact construction, correct rounding to float/double (subnormals,
// ties to even, overflow), certified rounding and digit agreement.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "gradref/reference/real.hpp"

namespace gradref {
namespace {

TEST(Real, ParsesHexFloatsExactly) {
  EXPECT_EQ(parse_real("0x1.99999ap-4"), exact(static_cast<double>(0.1f)));
  EXPECT_EQ(parse_real("-0x1.999999999999ap-4"), exact(-0.1));
  // 200 significant bits: more than any double, still exact.
  const Real wide = parse_real("0x1.00000000000000000000000000000000000000000000000001p0");
  EXPECT_EQ(wide - 1, pow(Real(2), -200));
}

TEST(Real, ParsesDecimalsWithoutGoingThroughDouble) {
  const Real tenth = parse_real("0.1");
  EXPECT_NE(tenth, exact(0.1));  // 0.1 has no binary expansion; the double is a different number
  EXPECT_LT(abs(tenth * 10 - 1), pow(Real(2), -1000));
  EXPECT_EQ(parse_real("1e-3") * 1000, 1);
  EXPECT_EQ(parse_real("0.5"), exact(0.5));
  EXPECT_EQ(parse_real("1e400") / parse_real("1e399"), 10);  // beyond double's range
  EXPECT_THROW(parse_real("1.0x"), std::invalid_argument);
  EXPECT_THROW(parse_real(""), std::invalid_argument);
}

TEST(Real, RoundsToNearestEvenIncludingSubnormals) {
  const Real one = 1;
  const Real half_ulp = pow(Real(2), -24);  // halfway between 1 and the next float
  EXPECT_EQ(round_to_float(one + half_ulp), 1.0f);                                    // tie -> even
  EXPECT_EQ(round_to_float(one + 3 * half_ulp), 1.0f + 2 * std::numeric_limits<float>::epsilon());  // tie -> even
  EXPECT_EQ(round_to_float(one + half_ulp + pow(Real(2), -200)), std::nextafter(1.0f, 2.0f));
  const Real min_sub = pow(Real(2), -149);
  EXPECT_EQ(round_to_float(min_sub / 2), 0.0f);                                       // tie -> even (0)
  EXPECT_EQ(round_to_float(min_sub * 3 / 2), 2 * std::numeric_limits<float>::denorm_min());  // tie -> even
  EXPECT_EQ(round_to_float(min_sub * 0.50001), std::numeric_limits<float>::denorm_min());
  EXPECT_EQ(round_to_double(pow(Real(2), -1074) * 3 / 2), 2 * std::numeric_limits<double>::denorm_min());
}

TEST(Real, OverflowsToInfinity) {
  const Real max_float = exact(std::numeric_limits<float>::max());
  const Real float_ulp_at_max = pow(Real(2), 104);
  EXPECT_EQ(round_to_float(max_float + float_ulp_at_max / 2 - 1), std::numeric_limits<float>::max());
  EXPECT_TRUE(std::isinf(round_to_float(max_float + float_ulp_at_max / 2)));  // tie rounds to even: infinity
  EXPECT_TRUE(std::isinf(round_to_double(parse_real("1e309"))));
  EXPECT_LT(round_to_double(parse_real("-1e309")), 0);
}

TEST(Real, RoundsToBfloat16) {
  const Real one = 1;
  const Real half_ulp = pow(Real(2), -8);  // halfway between 1 and the next bfloat16
  EXPECT_EQ(round_to_bfloat16(one + half_ulp), 1.0f);                     // tie -> even
  EXPECT_EQ(round_to_bfloat16(one + 3 * half_ulp), 1.0f + 0x1p-6f);      // tie -> even
  EXPECT_EQ(round_to_bfloat16(one + half_ulp + pow(Real(2), -200)), 1.0f + 0x1p-7f);
  EXPECT_EQ(round_to_bfloat16(-one - half_ulp + pow(Real(2), -200)), -1.0f);
  EXPECT_EQ(round_to_bfloat16(exact(0.1)), 0x1.9ap-4f);
  EXPECT_EQ(round_to_bfloat16(exact(255.5)), 256.0f);  // 255.5 = 0x1.ffp7: a tie, the even neighbor is 2^8
  const Real min_sub = pow(Real(2), -133);             // bfloat16's smallest subnormal
  EXPECT_EQ(round_to_bfloat16(min_sub / 2), 0.0f);      // tie -> even (0)
  EXPECT_EQ(round_to_bfloat16(min_sub * 3 / 2), 0x1p-132f);
  EXPECT_EQ(round_to_bfloat16(min_sub * 0.50001), 0x1p-133f);
  EXPECT_EQ(round_to_bfloat16(exact(0x1.fep-127)), 0x1p-126f);  // subnormal: 127.5 spacings, a tie, even up
  EXPECT_EQ(round_to_bfloat16(exact(0x1.ffp-126)), 0x1p-125f);     // normal: spacing 2^-133, a tie, even up
  EXPECT_TRUE(std::signbit(round_to_bfloat16(-min_sub / 4)));
  const Real max_bf16 = exact(0x1.fep127);
  const Real ulp_at_max = pow(Real(2), 120);
  EXPECT_EQ(round_to_bfloat16(max_bf16 + ulp_at_max / 2 - 1), 0x1.fep127f);
  EXPECT_TRUE(std::isinf(round_to_bfloat16(max_bf16 + ulp_at_max / 2)));  // tie rounds to even: infinity
  EXPECT_LT(round_to_bfloat16(-max_bf16 - ulp_at_max), 0);
  EXPECT_TRUE(std::isinf(round_to_bfloat16(-max_bf16 - ulp_at_max)));
  EXPECT_TRUE(std::isnan(round_to_bfloat16(Real(std::numeric_limits<double>::quiet_NaN()))));
  float f;
  EXPECT_FALSE(certified_round_bfloat16(one + half_ulp, pow(Real(2), -100), f));
  EXPECT_TRUE(certified_round_bfloat16(one + half_ulp + pow(Real(2), -60), pow(Real(2), -100), f));
  EXPECT_EQ(f, 1.0f + 0x1p-7f);
}

TEST(Real, CertifiedRoundingRefusesStraddlingIntervals) {
  const Real tie = 1 + pow(Real(2), -24);
  float f;
  EXPECT_FALSE(certified_round(tie, pow(Real(2), -100), f));
  EXPECT_TRUE(certified_round(tie + pow(Real(2), -60), pow(Real(2), -100), f));
  EXPECT_EQ(f, std::nextafter(1.0f, 2.0f));
}

TEST(Real, CountsAgreeingDigits) {
  ScopedPrecision p(256);
  EXPECT_EQ(agreeing_digits(Real(1), Real(1), 77), 77);
  EXPECT_EQ(agreeing_digits(parse_real("1.2345"), parse_real("1.2346"), 77), 4);
  EXPECT_EQ(to_decimal(parse_real("-0.000123456"), 3), "-1.23e-04");
}

TEST(Real, PrecisionIsScoped) {
  const unsigned before = working_bits();
  {
    ScopedPrecision p(1024);
    EXPECT_GE(working_bits(), 1024u);
    EXPECT_LE(working_bits(), 1027u);
  }
  EXPECT_EQ(working_bits(), before);
}

}  // namespace
}  // namespace gradref
