// Tracked tanh, erf and double_constant: the propagated bounds cover every operand
// within the error, the kernel's library calls stay within them, and they are not
// vacuous.
#include <gtest/gtest.h>

#include <cmath>

#include "gradref/reference/tracked_special.hpp"

namespace gradref {
namespace {

template <class Exact, class Model>
void expect_propagation_covers(const Exact& f, const Model& model) {
  for (double x : {-20.0, -3.0, -0.5, 0.0, 1e-3, 0.75, 2.0, 15.0}) {
    for (double e : {1e-6, 1e-3, 0.1, 1.0, 5.0}) {
      const Tracked t = model(Tracked(exact(x), exact(e), Format::float64));
      for (double s : {-1.0, -0.5, 0.25, 1.0}) {
        const Real moved = exact(x) + exact(s) * exact(e);
        EXPECT_LE(abs(f(moved) - f(exact(x))), t.error()) << "x = " << x << ", e = " << e << ", s = " << s;
      }
    }
  }
}

TEST(TrackedSpecial, TanhPropagationCoversTheOperandInterval) {
  expect_propagation_covers([](const Real& v) { return tanh(v); }, [](const Tracked& a) { return tanh(a); });
}

TEST(TrackedSpecial, ErfPropagationCoversTheOperandInterval) {
  expect_propagation_covers([](const Real& v) { return erf(v); }, [](const Tracked& a) { return erf(a); });
}

TEST(TrackedSpecial, FloatErfThroughDoubleIsWithinTheBudget) {
  for (float x : {-4.0f, -1.1f, -0.3f, 1e-20f, 0.1f, 0.7f, 2.5f, 6.0f}) {
    const Tracked t = erf(Tracked(exact(x), Format::float32));
    const float computed = static_cast<float>(std::erf(static_cast<double>(x)));
    EXPECT_LE(abs(exact(computed) - t.value()), t.error()) << x;
    EXPECT_LE(t.error(), 4 * std::ldexp(1.0, -24) * abs(t.value()) + std::ldexp(1.0, -148)) << x;
  }
}

TEST(TrackedSpecial, TanhOfAnExactOperandIsAFewUlps) {
  const Tracked t = tanh(Tracked(exact(0.5), Format::float64));
  EXPECT_GE(t.error(), 4 * std::ldexp(1.0, -53) * abs(t.value()));
  EXPECT_LE(t.error(), 9 * std::ldexp(1.0, -53) * abs(t.value()));
}

TEST(TrackedSpecial, DoubleConstantCarriesItsRounding) {
  const Real sqrt_half = sqrt(Real(0.5));
  const Tracked c = double_constant(sqrt_half);
  EXPECT_EQ(c.error(), abs(exact(M_SQRT1_2) - sqrt_half));
  EXPECT_GT(c.error(), 0);
  const Tracked in_float = c * Tracked(exact(1.0f), Format::float32);  // the float kernel's static_cast<float>
  EXPECT_GE(in_float.error(), abs(exact(static_cast<double>(static_cast<float>(M_SQRT1_2))) - sqrt_half));
}

}  // namespace
}  // namespace gradref
