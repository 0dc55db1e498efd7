// The element check of `gradref verify` on hand-made golden outputs: ULPs from
// the dtype's row, non-finite values, the certified-digit uncertainty, the worst
// element; which doubles are values of each dtype.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "verify/check.hpp"
#include "verify/dtype_format.hpp"

namespace gradref::cli::verify {
namespace {

GoldenOutput golden(const std::vector<std::string>& exact, const std::vector<std::string>& bound,
                    std::vector<int> digits = {}) {
  GoldenOutput g;
  g.shape = {static_cast<std::int64_t>(exact.size())};
  ScopedPrecision precision(default_bits);
  for (std::size_t i = 0; i < exact.size(); ++i) {
    g.exact.push_back(at_working_precision(parse_real(exact[i])));
    g.exact_text.push_back(exact[i]);
    g.bound.push_back(parse_real(bound[i]));
    g.digits.push_back(digits.empty() ? full_digits : digits[i]);
    g.rounded.push_back(round_to_double(g.exact.back()));
  }
  return g;
}

Array<double> candidate(std::vector<double> values) {
  const Shape shape{static_cast<std::int64_t>(values.size())};
  return Array<double>(shape, std::move(values));
}

TEST(VerifyCheck, UlpsFollowTheDtypeRow) {
  EXPECT_EQ(ulp_of(Real(1), "float32"), pow(Real(2), -23));
  EXPECT_EQ(ulp_of(Real(1), "float64"), pow(Real(2), -52));
  EXPECT_EQ(ulp_of(Real(1), "bfloat16"), pow(Real(2), -7));
  EXPECT_EQ(ulp_of(Real("0.75"), "float32"), pow(Real(2), -24));
  EXPECT_EQ(ulp_of(Real(0), "float32"), pow(Real(2), -149));  // the subnormal spacing
  EXPECT_EQ(ulp_of(Real("1e-40"), "float32"), pow(Real(2), -149));
  EXPECT_EQ(ulp_of(Real("1e-310"), "float64"), pow(Real(2), -1074));
}

TEST(VerifyCheck, ErrorsInUlpsAndAgainstTheBound) {
  // 1 + 3 ulp against exact 1 with a bound of 2 ulp (float32): fails, 3 ULP, ratio 1.5.
  const double three_ulps = 1 + 3 * std::ldexp(1.0, -23);
  const OutputCheck o = check_output("x", golden({"1", "1"}, {"2.384185791015625e-7", "2.384185791015625e-7"}),
                                     candidate({1, three_ulps}), "float32");
  EXPECT_EQ(o.checked, 2);
  EXPECT_EQ(o.failed, 1);
  ASSERT_TRUE(o.worst);
  EXPECT_EQ(o.worst->index, 1);
  EXPECT_DOUBLE_EQ(o.worst->ulps, 3);
  EXPECT_DOUBLE_EQ(o.worst->bound_ulps, 2);
  EXPECT_DOUBLE_EQ(o.worst->ratio, 1.5);
  EXPECT_DOUBLE_EQ(o.worst_ulps, 3);
  EXPECT_FALSE(o.passed());
}

TEST(VerifyCheck, NonFiniteValuesMatchOnlyThemselves) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(check_output("x", golden({"nan", "inf", "-inf"}, {"inf", "inf", "inf"}), candidate({nan, inf, -inf}),
                           "float64")
                  .passed());
  EXPECT_EQ(check_output("x", golden({"nan", "inf", "-inf"}, {"inf", "inf", "inf"}), candidate({1, -inf, nan}),
                         "float64")
                .failed,
            3);
  // A finite exact value: an overflowing candidate passes only where the model is unbounded.
  EXPECT_EQ(check_output("x", golden({"1", "1"}, {"inf", "1e-3"}), candidate({inf, inf}), "float64").failed, 1);
}

TEST(VerifyCheck, FewCertifiedDigitsLeaveCloseCallsUndecided) {
  // exact "1.00" known to 3 digits: the true value is within 0.01 of it.
  const GoldenOutput g = golden({"1.00", "1.00", "1.00"}, {"0.005", "0.005", "0.005"}, {3, 3, 3});
  const OutputCheck o = check_output("x", g, candidate({1.0, 1.0 + 0.0078125, 1.0 + 0.125}), "float64");
  EXPECT_EQ(o.failed, 1);     // 0.125 - 0.01 > 0.005: fails whatever the true value
  EXPECT_EQ(o.undecided, 2);  // 0 and 0.0078 are within the bound of some values within 0.01, not of all
  ASSERT_TRUE(o.worst);
  EXPECT_EQ(o.worst->index, 2);
}

TEST(VerifyDtype, ValuesOfEachFormat) {
  const FloatFormat& f32 = float_format("float32");
  const FloatFormat& bf16 = float_format("bfloat16");
  EXPECT_TRUE(representable(0.1f, f32));
  EXPECT_FALSE(representable(0.1, f32));
  EXPECT_TRUE(representable(std::ldexp(1.0, -149), f32));
  EXPECT_FALSE(representable(std::ldexp(1.0, -150), f32));
  EXPECT_FALSE(representable(1e39, f32));
  EXPECT_TRUE(representable(1.5, bf16));
  EXPECT_FALSE(representable(1 + std::ldexp(1.0, -8), bf16));
  EXPECT_TRUE(representable(0.1, float_format("float64")));
  EXPECT_THROW(float_format("float16"), InvalidInput);
}

}  // namespace
}  // namespace gradref::cli::verify
