// Tracked (running error analysis): bounds hold and are not vacuous on examples
// whose float32 error is known.
#include <gtest/gtest.h>

#include <cmath>

#include "gradref/reference/tracked.hpp"

namespace gradref {
namespace {

Tracked in_float(float x) { return Tracked(exact(x), Format::float32); }

TEST(Tracked, ExactOperationsCarryNoError) {
  const Tracked r = in_float(1.5f) * in_float(2.0f) + in_float(0.25f);
  EXPECT_EQ(r.value(), 3.25);
  EXPECT_EQ(r.error(), 0);
}

TEST(Tracked, ABoundCoversTheActualFloatError) {
  const float a = 0.1f, b = 3.0f, c = 1e-3f;
  const float computed = (a * b + c) / b;
  const Tracked r = (in_float(a) * in_float(b) + in_float(c)) / in_float(b);
  const Real actual = abs(exact(computed) - r.value());
  EXPECT_LE(actual, r.error());
  EXPECT_LE(r.error(), 4 * std::ldexp(1.0, -24) * abs(r.value()));  // a few u, not vacuous
}

TEST(Tracked, ConstantsAreRoundedWhenTheyMeetFloat) {
  const Tracked r = Tracked(0.1) * in_float(1.0f);  // the kernel holds 0.1 as 0.1f
  const Real representation = abs(exact(static_cast<double>(0.1f)) - exact(0.1));
  EXPECT_GE(r.error(), representation);
  EXPECT_LE(r.error(), representation + std::ldexp(1.0, -24) * 0.11 + std::ldexp(1.0, -150));
}

TEST(Tracked, DivisionByAnUncertainZeroIsUnbounded) {
  const Tracked tiny = Tracked(exact(1e-30), Format::float32) * Tracked(exact(1e-30), Format::float32);
  const Tracked r = in_float(1.0f) / tiny;
  EXPECT_TRUE(isinf(r.error()));
}

TEST(Tracked, SumDepthFollowsTheModel) {
  RoundingModel pairwise;
  pairwise.sum_depth = [](std::int64_t) -> std::int64_t { return 3; };
  ScopedRoundingModel scoped(pairwise);
  std::vector<Tracked> terms(8, in_float(0.1f));
  const Tracked s = sum(std::span<const Tracked>(terms));
  const Real u = pow(Real(2), -24);
  EXPECT_LE(s.error(), 3 * u / (1 - 3 * u) * 8 * exact(0.1f) * (1 + u));
}

TEST(Tracked, PowWithARealExponentCoversTheDoubleComputation) {
  // 0.96^(t psi) as NAdam's per-step scalar: t psi rounded in double, then pow.
  const double t = 7, psi = 0.004;
  const Tracked e = Tracked(t) * Tracked(psi);
  const Tracked r = pow(Tracked(0.96), e);
  const double computed = std::pow(0.96, t * psi);
  EXPECT_LE(abs(exact(computed) - r.value()), r.error());
  EXPECT_LE(r.error(), 8 * std::ldexp(1.0, -53));  // a few u of a value near 1
  EXPECT_TRUE(isinf(pow(Tracked(exact(0.5f), exact(1.0), Format::float32), Tracked(2.5)).error()));
}

TEST(Tracked, SignumIsExactAwayFromZeroAndBoundedNearIt) {
  EXPECT_EQ(signum(in_float(-3.0f)).value(), -1);
  EXPECT_EQ(signum(in_float(-3.0f)).error(), 0);
  const Tracked tiny = in_float(1e-30f) * in_float(1e-30f);  // may underflow to 0 in the kernel
  EXPECT_EQ(signum(tiny).value(), 1);
  EXPECT_EQ(signum(tiny).error(), 2);
  const Tracked zero = in_float(1.0f) - Tracked(exact(1.0f), exact(1e-7), Format::float32);
  EXPECT_EQ(signum(zero).value(), 0);
  EXPECT_EQ(signum(zero).error(), 1);
}

TEST(Tracked, AnUnboundedTermLeavesASumUnboundedNotNan) {
  const Tracked unbounded = log(Tracked(exact(0.5f), exact(1.0), Format::float32));  // the operand may be <= 0
  ASSERT_TRUE(isinf(unbounded.error()));
  ASSERT_FALSE(isinf(unbounded.value()));
  const std::vector<Tracked> one_term = {unbounded};
  EXPECT_TRUE(isinf(sum(std::span<const Tracked>(one_term)).error()));  // depth 0: not 0 * inf
}

/// A bfloat16 kernel emulated in float: each float result rounded to bfloat16.
float bf16(float x) { return round_to_bfloat16(exact(x)); }
Tracked in_bfloat16(float x) { return Tracked(exact(x), Format::bfloat16); }

TEST(Tracked, Bfloat16IsTheCoarsestFormat) {
  EXPECT_EQ(unit_roundoff(Format::bfloat16), std::ldexp(1.0, -8));
  EXPECT_EQ(underflow_unit(Format::bfloat16), std::ldexp(1.0, -134));
  EXPECT_EQ(smallest_normal(Format::bfloat16), std::ldexp(1.0, -126));
  EXPECT_EQ(largest_finite(Format::bfloat16), 0x1.fep127);
  // A float32 operand meeting a bfloat16 one is rounded to bfloat16: 0.1f's rounding is counted.
  const Tracked r = in_float(0.1f) * in_bfloat16(1.0f);
  EXPECT_EQ(r.format(), Format::bfloat16);
  const Real representation = abs(exact(static_cast<double>(bf16(0.1f))) - exact(0.1f));
  EXPECT_GE(r.error(), representation);
  EXPECT_LE(r.error(), representation + std::ldexp(1.0, -8) * 0.11 + std::ldexp(1.0, -134));
  EXPECT_GE((Tracked(0.1) + in_bfloat16(0.0f)).error(), abs(exact(static_cast<double>(bf16(0.1f))) - exact(0.1)));
  EXPECT_EQ(Tracked::held_in(exact(257.0), Format::bfloat16).error(), 1);  // 257 = 2^8 + 1 needs 9 bits
  EXPECT_EQ(Tracked::held_in(exact(257.0), Format::float32).error(), 0);
}

TEST(Tracked, ABfloat16BoundCoversTheEmulatedKernelAndIsNotVacuous) {
  const float a = bf16(0.1f), b = 3.0f, c = bf16(1e-3f);
  const float computed = bf16(bf16(bf16(a * b) + c) / b);
  const Tracked r = (in_bfloat16(a) * in_bfloat16(b) + in_bfloat16(c)) / in_bfloat16(b);
  EXPECT_LE(abs(exact(computed) - r.value()), r.error());
  EXPECT_LE(r.error(), 4 * std::ldexp(1.0, -8) * abs(r.value()));
  EXPECT_GE(r.error(), std::ldexp(1.0, -24) * abs(r.value()));  // a float32 bound would be too tight
  const Tracked overflow = in_bfloat16(0x1.fep127f) + in_bfloat16(0x1p120f);  // rounds to infinity
  EXPECT_TRUE(isinf(overflow.error()));
}

}  // namespace
}  // namespace gradref
