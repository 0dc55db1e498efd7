// Keras' probability clip in bce and kl_divergence (spec/clip.hpp): the fast
// kernels refuse clip bounds their dtype cannot hold exactly (keras_float64's 1e-7
// in float32) instead of clipping at a rounded bound, and accept them in float64;
// the reference at Keras' float32 bounds gives the values Keras' float32 clip
// implies (log(1 - float32(1 - 1e-7)) = log(2^-23), not log(1e-7)), with the
// gradient zero outside the bounds and passed through at them.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "gradref/catalog/evaluate.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref {
namespace {

catalog::Case keras_case(const char* op, const char* preset, catalog::Json spec) {
  const catalog::Entry& entry = catalog::find(op);
  return catalog::Case{op, entry.make_spec(std::move(spec), preset), {}};
}

Array<Real> values(Shape shape, std::initializer_list<double> xs) {
  std::vector<Real> out;
  for (double x : xs) out.push_back(exact(x));
  return Array<Real>(std::move(shape), std::move(out));
}

/// a and b agree to 200 bits (the reference at 256 bits against the formula).
bool near(const Real& a, const Real& b) { return abs(a - b) <= abs(b) * pow(Real(2), -200); }

std::string refused_field(const catalog::Entry& entry, const catalog::Case& c, catalog::Dtype dtype) {
  try {
    entry.fast(c, dtype);
  } catch (const InvalidInput& e) {
    return e.field();
  }
  return "";
}

TEST(KerasClip, BceFloat64BoundsAreRefusedInFloat32Only) {
  const catalog::Entry& bce = catalog::find("bce");
  catalog::Case c = keras_case("bce", "keras_float64", catalog::Json::object());
  c.inputs.emplace("input", values({3}, {0, 0.5, 1}));
  c.inputs.emplace("target", values({3}, {1, 0.5, 0}));
  EXPECT_EQ(refused_field(bce, c, catalog::Dtype::float32), "clip_low");
  EXPECT_EQ(refused_field(bce, c, catalog::Dtype::float64), "");
  catalog::Case high = keras_case("bce", "keras", catalog::Json{{"clip_high", 1.0 - 1e-7}});
  high.inputs = c.inputs;
  EXPECT_EQ(refused_field(bce, high, catalog::Dtype::float32), "clip_high");
}

TEST(KerasClip, KlFloat64BoundIsRefusedInFloat32OnlyWhenClipping) {
  const catalog::Entry& kl = catalog::find("kl_divergence");
  catalog::Case c = keras_case("kl_divergence", "keras_float64", catalog::Json::object());
  c.inputs.emplace("p", values({1, 2}, {0.5, 0.5}));
  c.inputs.emplace("q", values({1, 2}, {0.25, 0.75}));
  EXPECT_EQ(refused_field(kl, c, catalog::Dtype::float32), "clip_low");
  EXPECT_EQ(refused_field(kl, c, catalog::Dtype::float64), "");
  c.spec["clip"] = false;
  EXPECT_EQ(refused_field(kl, c, catalog::Dtype::float32), "");
}

TEST(KerasClip, BceAtKerasFloat32Bounds) {
  const catalog::Entry& bce = catalog::find("bce");
  catalog::Case c = keras_case("bce", "keras", catalog::Json{{"reduction", "none"}});
  const double lo = 0x1.ad7f2ap-24;
  c.inputs.emplace("input", values({4}, {0, lo, 1, 0x1.fffffep-1}));
  c.inputs.emplace("target", values({4}, {1, 1, 0, 0}));
  const catalog::NamedArrays<Real> out = catalog::evaluate_at(bce, c, 256);
  const auto& loss = out.at("loss");
  const auto& grad = out.at("grad_input");
  EXPECT_TRUE(near(loss[0], -log(exact(lo))));                  // p = 0 clipped up to float32(1e-7)
  EXPECT_TRUE(near(loss[2], -log(exact(std::ldexp(1.0, -23)))));  // 1 - float32(1 - 1e-7) = 2^-23
  EXPECT_TRUE(loss[3] == loss[2]);                               // 1 - 2^-24 lies above the bound
  EXPECT_TRUE(grad[0] == Real(0));                               // outside: no gradient
  EXPECT_TRUE(grad[2] == Real(0));
  EXPECT_TRUE(grad[3] == Real(0));
  EXPECT_TRUE(near(grad[1], -(Real(1) / exact(lo))));            // at the bound: passed through
}

}  // namespace
}  // namespace gradref
