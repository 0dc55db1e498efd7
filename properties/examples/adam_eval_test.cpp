// The foundation's acceptance example: Adam on float32 inputs (lr 1e-3, betas
// 0.9/0.999, eps 1e-8, 3 steps) evaluates to at least 34 certified digits, and each
// float32 it reports is the correct rounding of a 2048-bit evaluation.
#include <gtest/gtest.h>

#include "gradref/catalog/evaluate.hpp"

namespace gradref {
namespace {

Array<Real> floats(Shape shape, std::initializer_list<float> values) {
  std::vector<Real> out;
  for (float v : values) out.push_back(exact(v));
  return Array<Real>(std::move(shape), std::move(out));
}

TEST(AdamEval, ThreeFloat32StepsAreCertifiedAndCorrectlyRounded) {
  const catalog::Entry& adam = catalog::find("adam");
  catalog::Case c{"adam", adam.make_spec(catalog::Json::object(), "pytorch"), {}};
  c.inputs.emplace("param", floats({4}, {0.5f, -1.25f, 3.0f, 1e-3f}));
  c.inputs.emplace("grad", floats({3, 4}, {0.1f, -0.2f, 0.3f, 1e-9f, 0.05f, 0.4f, -0.3f, 0.0f, -0.1f, 0.2f, 0.25f, 1e-9f}));
  c.inputs.emplace("exp_avg", floats({4}, {0, 0, 0, 0}));
  c.inputs.emplace("exp_avg_sq", floats({4}, {0, 0, 0, 0}));
  c.inputs.emplace("step", floats({}, {0}));
  const catalog::CertifiedOutputs out = catalog::evaluate_certified(adam, c, default_bits);
  const catalog::NamedArrays<Real> truth = catalog::evaluate_at(adam, c, 2048);
  for (const auto& [name, array] : out.outputs)
    for (std::size_t i = 0; i < array.values.size(); ++i) {
      const catalog::CertifiedValue& v = array.values[i];
      EXPECT_GE(v.digits, 34) << name << "[" << i << "] = " << v.decimal;
      ASSERT_TRUE(v.float32.has_value()) << name << "[" << i << "]";
      EXPECT_EQ(*v.float32, round_to_float(truth.at(name)[static_cast<std::int64_t>(i)])) << name << "[" << i << "]";
    }
}

}  // namespace
}  // namespace gradref
