// gradref::testing on the catalog's own kernels and known-wrong variants: cases
// keep the preset's conventions, the fast kernel matches, a wrong variant fails
// with the worst element in ULPs, ULPs are measured on the dtype's spacing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <set>

#include "gradref/testing/testing.hpp"

namespace gradref::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(Cases, VaryThePresetsNonzeroNumbers) {
  EXPECT_THAT(hyperparameters("adam", "pytorch"), ElementsAre("lr", "beta1", "beta2", "eps"));
}

TEST(Cases, KeepThePresetsConventions) {
  const catalog::Entry& adam = catalog::find("adam");
  const catalog::Json pytorch = adam.make_spec(catalog::Json::object(), "pytorch");
  const std::vector<std::string> vary = {"lr", "beta1", "beta2", "eps", "weight_decay"};
  std::set<double> lrs, weight_decays;
  for (const Case& c : sample(cases("adam", Dtype::float32, "pytorch", vary), 60, 7)) {
    for (const catalog::Field& f : adam.fields)
      if (std::find(vary.begin(), vary.end(), f.name) == vary.end()) {
        EXPECT_EQ(c.spec[f.name].dump(), pytorch[f.name].dump()) << f.name;
      }
    lrs.insert(number(c, "lr"));
    weight_decays.insert(number(c, "weight_decay"));
    EXPECT_EQ(choice(c, "eps_placement"), "outside");
    EXPECT_FALSE(flag(c, "amsgrad"));
  }
  EXPECT_GT(lrs.size(), 2u);
  EXPECT_GT(weight_decays.size(), 1u);
}

TEST(Cases, ExistForEveryOpUnderEveryPreset) {
  int pairs = 0;
  for (const catalog::Entry* entry : catalog::all())
    for (const catalog::Preset& preset : entry->presets) {
      ++pairs;
      try {
        for (const Case& c : sample(cases(entry->name, Dtype::float64, preset.name), 3, 17))
          EXPECT_EQ(c.spec.dump(), entry->make_spec(c.spec, preset.name).dump()) << entry->name << " " << preset.name;
      } catch (const std::exception& e) {
        ADD_FAILURE() << entry->name << " under " << preset.name << ": " << e.what();
      }
    }
  std::cout << "  cases drawn under " << pairs << " (op, preset) pairs\n";
}

TEST(Cases, RefuseUnknownPresetsAndFields) {
  try {
    cases("adam", Dtype::float32, "no_such_framework");
    ADD_FAILURE() << "an unknown preset was accepted";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.field(), "preset");
  }
  try {
    cases("adam", Dtype::float32, "pytorch", {"momentum"});
    ADD_FAILURE() << "an unknown field was accepted";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.field(), "vary");
  }
}

TEST(MatchesReference, AcceptsTheFastKernel) {
  for (const char* op : {"adam", "cross_entropy"}) {
    const catalog::Entry& entry = catalog::find(op);
    for (Dtype dtype : {Dtype::float32, Dtype::float64})
      for (const Case& c : sample(cases(op, dtype), 20, 11))
        EXPECT_THAT(entry.fast(c, dtype), MatchesReference(c, dtype));
  }
}

TEST(MatchesReference, NamesTheWorstElementOfAWrongVariant) {
  const catalog::Entry& adam = catalog::find("adam");
  const auto variant = std::find_if(adam.wrong_variants.begin(), adam.wrong_variants.end(),
                                    [](const catalog::WrongVariant& v) { return v.name == "eps_other_side"; });
  ASSERT_NE(variant, adam.wrong_variants.end());
  for (const Case& c : sample(variant->generator(Dtype::float32), 200, 1000)) {
    const catalog::NamedArrays<double> wrong = variant->run(c, Dtype::float32);
    ::testing::StringMatchResultListener listener;
    if (::testing::ExplainMatchResult(MatchesReference(c, Dtype::float32), wrong, &listener)) continue;
    const Verdict v = check(c, Dtype::float32, wrong);
    EXPECT_FALSE(v.passed);
    EXPECT_GT(v.error_ulps, v.bound_ulps);
    EXPECT_GT(v.bound_ulps, 0);
    EXPECT_EQ(listener.str(), v.message);
    EXPECT_THAT(v.message, HasSubstr("adam in float32: worst element "));
    EXPECT_THAT(v.message, HasSubstr(" ULP of float32 from the exact value; the bound is "));
    EXPECT_THAT(v.message, HasSubstr("exact:"));
    EXPECT_THAT(v.message, HasSubstr("candidate:"));
    EXPECT_THAT(v.message, HasSubstr("\"op\":\"adam\""));
    return;
  }
  ADD_FAILURE() << "eps_other_side passed 200 cases";
}

TEST(MatchesReference, OnlyComparesTheNamedOutputs) {
  const Case c = sample(cases("adam", Dtype::float64, "pytorch"), 1, 3)[0];
  catalog::NamedArrays<double> out = catalog::find("adam").fast(c, Dtype::float64);
  out.erase("step");
  const Verdict missing = check(c, Dtype::float64, out);
  EXPECT_FALSE(missing.passed);
  EXPECT_THAT(missing.message, HasSubstr("output step: missing output"));
  EXPECT_THAT(out, MatchesReference(c, Dtype::float64).Only({"param", "exp_avg", "exp_avg_sq"}));
  EXPECT_THROW(check(c, Dtype::float64, out, {"no_such_output"}), InvalidInput);
}

TEST(MatchesReference, TakesVectorsOfFloat) {
  const Case c = sample(cases("adam", Dtype::float32, "pytorch"), 1, 5)[0];
  Outputs<float> out;
  for (const auto& [name, a] : catalog::find("adam").fast(c, Dtype::float32))
    for (double x : a.values()) out[name].push_back(static_cast<float>(x));
  EXPECT_THAT(out, MatchesReference(c, Dtype::float32));
  out["param"][0] = out["param"][0] * 2 + 1;
  EXPECT_THAT(out, ::testing::Not(MatchesReference(c, Dtype::float32)));
}

TEST(Ulps, AreTheDtypesSpacingAtTheExactValue) {
  ScopedPrecision precision(default_bits);
  EXPECT_EQ(ulps(exact(1.0) + ldexp(Real(1), -23), 1.0, Dtype::float32), 1.0);
  EXPECT_EQ(ulps(exact(1.0) - ldexp(Real(1), -24), 1.0, Dtype::float32), 1.0);  // spacing 2^-24 below 1
  EXPECT_EQ(ulps(exact(1.0) + ldexp(Real(1), -54), 1.0, Dtype::float64), 0.25);
  EXPECT_EQ(ulps(Real(0), std::ldexp(1.0, -149), Dtype::float32), 1.0);
  EXPECT_EQ(ulps(ldexp(Real(1), -130), 0.0, Dtype::float32), std::ldexp(1.0, 19));  // subnormal spacing 2^-149
  EXPECT_EQ(ulps(exact(-3.0), -3.0, Dtype::float64), 0.0);
  EXPECT_TRUE(std::isinf(ulps(exact(1.0), NAN, Dtype::float64)));
}

}  // namespace
}  // namespace gradref::testing
