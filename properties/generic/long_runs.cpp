// Every update rule under every preset, run for many steps from the state its
// framework starts from (zeros, an initial accumulator), on hard gradients: the
// rule's own generated values (up to the largest it takes in the dtype) mixed with
// zeros, subnormals and tiny values, so second moments sit near 0 where eps
// dominates; from step 0 and from step 10^6, where beta^t underflows double. The
// reference must stay finite and certified to 34 digits, and lr = 0 must leave
// param exactly unchanged wherever the rule's definition says so.
#include <rapidcheck.h>

#include <cmath>

#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/generators.hpp"
#include "support/catalog_params.hpp"

namespace gradref::properties {
namespace {

constexpr std::int64_t kSteps = 64;

class LongRuns : public testing::TestWithParam<const catalog::Entry*> {};

/// A value for a hard gradient: one the rule's generator drew, or a zero, a
/// subnormal or a tiny value of either sign.
rc::Gen<Real> hard_gradient(const std::vector<Real>& drawn, catalog::Dtype dtype) {
  return rc::gen::weightedOneOf<Real>(
      {{4, rc::gen::elementOf(drawn)},
       {1, rc::gen::element(Real(0))},
       {1, rc::gen::map(rc::gen::element(1, -1, 3, -7), [dtype](int k) { return exact(catalog::gen::subnormal(dtype, k)); })},
       {1, rc::gen::map(rc::gen::element(1e-30, -1e-30, 1e-20, -3e-25),
                        [dtype](double x) { return exact(catalog::gen::in_dtype(x, dtype)); })}});
}

TEST_P(LongRuns, FiniteAndCertifiedUnderEveryPreset) {
  const catalog::Entry& entry = *GetParam();
  for (const catalog::Preset& preset : entry.presets) {
    const bool ok = rc::check(entry.name + " under " + preset.name, [&] {
      const auto dtype = *rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64);
      const catalog::Case drawn = *entry.generator(dtype);
      const std::vector<Real>& grads = drawn.inputs.at("grad").values();
      const std::vector<Real>& params = drawn.inputs.at("param").values();
      const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 9);

      catalog::Case c{entry.name, entry.make_spec(catalog::Json::object(), preset.name), {}};
      const bool frozen = c.spec.contains("lr") && *rc::gen::weightedElement<bool>({{1, true}, {3, false}});
      if (frozen) c.spec["lr"] = 0.0;
      // Decay is where lr = 0 most often fails to freeze a kernel (decay not scaled by lr).
      if (frozen && c.spec.contains("weight_decay") && *rc::gen::arbitrary<bool>()) c.spec["weight_decay"] = 0.1;
      c.spec = entry.make_spec(c.spec, preset.name);
      std::vector<Real> param, grad;
      for (std::int64_t i = 0; i < n; ++i) param.push_back(*rc::gen::elementOf(params));
      for (std::int64_t i = 0; i < kSteps * n; ++i) grad.push_back(*hard_gradient(grads, dtype));
      c.inputs.emplace("param", Array<Real>(Shape{n}, param));
      c.inputs.emplace("grad", Array<Real>(Shape{kSteps, n}, grad));
      for (auto& [name, value] : entry.initial_state(c.spec, Shape{n})) c.inputs.emplace(name, value);
      c.inputs.emplace("step", Array<Real>(Shape{}, exact(static_cast<double>(*rc::gen::element(0, 0, 1000000)))));

      const catalog::CertifiedOutputs out = catalog::evaluate_certified(entry, c, default_bits);
      for (const auto& [name, array] : out.outputs) {
        for (const catalog::CertifiedValue& v : array.values) {
          RC_ASSERT(isfinite(v.value));
          RC_ASSERT(v.digits >= 34);
        }
        if (name == "param" && frozen && entry.frozen_at_zero_lr(c.spec))
          for (std::size_t i = 0; i < array.values.size(); ++i) RC_ASSERT(array.values[i].value == param[i]);
      }
    });
    EXPECT_TRUE(ok) << entry.name << " under preset " << preset.name;
  }
}

/// The update rules that take a gradient input (they declare their initial state).
std::vector<const catalog::Entry*> rules_with_gradients() {
  std::vector<const catalog::Entry*> out;
  for (const catalog::Entry* e : catalog::all())
    if (e->initial_state) out.push_back(e);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Catalog, LongRuns, testing::ValuesIn(rules_with_gradients()), entry_name);

}  // namespace
}  // namespace gradref::properties
