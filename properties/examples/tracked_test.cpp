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

}  // namespace
}  // namespace gradref
