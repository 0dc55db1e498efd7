// bfloat16 mixed precision (bf16 param and grad, float32 state, optional float32
// master) for every elementwise rule: within the error model on every SIMD target,
// bit for bit the float32 kernel with bfloat16 stores, the same bits for any thread
// count, invalid inputs refused as in float32, and the comparison rejects a kernel
// that truncates instead of rounding or keeps its state in bfloat16.
#include <rapidcheck.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "gradref/catalog/mixed_precision.hpp"
#include "gradref/fast/dispatch.hpp"
#include "gradref/fast/rules/mixed_precision.hpp"
#include "gradref/fast/threads.hpp"
#include "gradref/spec/errors.hpp"
#include "support/catalog_params.hpp"

namespace gradref::properties {
namespace {

using catalog::Case;
using catalog::MixedRule;
using catalog::NamedArrays;

struct MixedParam {
  const MixedRule* rule;
  bool master;
};

void PrintTo(const MixedParam& p, std::ostream* os) { *os << p.rule->entry->name << (p.master ? " with master" : ""); }

std::vector<MixedParam> every_mixed_rule() {
  std::vector<MixedParam> out;
  for (const MixedRule& r : catalog::mixed_rules())
    for (bool master : {false, true}) out.push_back({&r, master});
  return out;
}

std::string mixed_name(const testing::TestParamInfo<MixedParam>& info) {
  return info.param.rule->entry->name + (info.param.master ? "_master" : "_no_master");
}

bool bitwise_equal(const NamedArrays<double>& a, const NamedArrays<double>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, x] : a) {
    const auto it = b.find(name);
    if (it == b.end() || x.shape() != it->second.shape() ||
        std::memcmp(x.data(), it->second.data(), sizeof(double) * static_cast<std::size_t>(x.size())) != 0)
      return false;
  }
  return true;
}

double nearest_even(double x) { return fast::to_float(fast::to_bfloat16(static_cast<float>(x))); }
double truncated(double x) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(static_cast<float>(x)) & 0xFFFF0000u;
  return std::bit_cast<float>(bits);
}
double kept(double x) { return x; }

/// The mixed kernel written with the float32 kernel (Entry::fast), one gradient at
/// a time: param stored with `store_param` after every step (from the master, once,
/// when there is one), the state with `store_state`.
NamedArrays<double> emulated(const catalog::Entry& entry, const Case& c, double (*store_param)(double),
                             double (*store_state)(double)) {
  const bool master = c.inputs.contains("master");
  Case current = catalog::exact_case(c);
  const Array<Real> grads = current.inputs.at("grad");
  const Shape shape = current.inputs.at("param").shape();
  const std::int64_t n = current.inputs.at("param").size();
  NamedArrays<double> out;
  for (std::int64_t k = 0; k < grads.size() / n; ++k) {
    const auto row = grads.slice(k * n, n);
    current.inputs.insert_or_assign("grad", Array<Real>(shape, std::vector<Real>(row.begin(), row.end())));
    out = entry.fast(current, catalog::Dtype::float32);
    for (auto& [name, a] : out) {
      if (name == "step" || (name == "param" && master)) continue;
      a = a.map<double>(name == "param" ? store_param : store_state);
    }
    for (const auto& [name, a] : out) current.inputs.insert_or_assign(name, a.map<Real>([](double v) { return exact(v); }));
  }
  if (master) {
    out.emplace("master", out.at("param"));
    out.at("param") = out.at("param").map<double>(store_param);
  }
  return out;
}

class MixedPrecision : public testing::TestWithParam<MixedParam> {};

TEST_P(MixedPrecision, WithinErrorModelAndTheFloat32KernelOnEveryTarget) {
  const auto [rule, master] = GetParam();
  for (const fast::Target& target : fast::available_targets()) {
    fast::ScopedTarget scoped(target);
    const bool ok = rc::check(rule->entry->name + " bfloat16 mixed on " + target.name, [&] {
      const Case c = *catalog::mixed_cases(*rule, master);
      const NamedArrays<double> got = rule->fast(c);
      const catalog::Comparison r = catalog::compare_mixed(*rule, c, got);
      RC_ASSERT(r.bound_finite);
      if (!r.passed) RC_FAIL(r.describe());
      RC_ASSERT(bitwise_equal(got, emulated(*rule->entry, c, nearest_even, kept)));
      RC_CLASSIFY(r.worst_ratio > 0.5, "error above half the bound");
    });
    EXPECT_TRUE(ok) << target.name;
  }
}

TEST_P(MixedPrecision, SameBitsForAnyThreadCount) {
  const auto [rule, master] = GetParam();
  const int saved = fast::thread_count();
  fast::set_grain_limit(1);
  const bool ok = rc::check(rule->entry->name + " bfloat16 mixed determinism", [&] {
    const Case c = *catalog::mixed_cases(*rule, master);
    fast::set_thread_count(1);
    const NamedArrays<double> one = rule->fast(c);
    for (int threads : {2, 3}) {
      fast::set_thread_count(threads);
      RC_ASSERT(bitwise_equal(one, rule->fast(c)));
    }
  });
  fast::set_thread_count(saved);
  fast::set_grain_limit(0);
  EXPECT_TRUE(ok);
}

// Non-vacuity: plausible mixed-precision bugs fail the comparison the kernel passes.
TEST_P(MixedPrecision, WrongVariantsAreRejected) {
  const auto [rule, master] = GetParam();
  struct Variant {
    const char* name;
    double (*param)(double);
    double (*state)(double);
  };
  for (const Variant& v : {Variant{"param truncated to bfloat16", truncated, kept},
                           Variant{"state rounded to bfloat16 too", nearest_even, nearest_even}}) {
    const rc::Gen<Case> gen = catalog::mixed_cases(*rule, master);
    int rejected = 0;
    constexpr int kCases = 100;
    for (int i = 0; i < kCases; ++i) {
      const Case c = gen(rc::Random(static_cast<std::uint64_t>(2000 + i)), 1 + i % 100).value();
      if (!catalog::compare_mixed(*rule, c, emulated(*rule->entry, c, v.param, v.state)).passed) ++rejected;
    }
    EXPECT_GT(rejected, 0) << rule->entry->name << ": " << v.name << " passed all " << kCases << " cases";
    std::cout << "  " << v.name << ": rejected " << rejected << "/" << kCases << "\n";
  }
}

TEST_P(MixedPrecision, InvalidInputsAreRefusedAsInFloat32) {
  const auto [rule, master] = GetParam();
  const auto refuses = [&](const Case& c, const std::string& field, const std::string& what) {
    try {
      rule->fast(c);
      ADD_FAILURE() << rule->entry->name << " accepted: " << what;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.op(), rule->entry->name) << what << ": " << e.what();
      EXPECT_EQ(e.field(), field) << what << ": " << e.what();
    }
  };
  for (const catalog::InvalidCase& bad : rule->entry->invalid_cases()) {
    Case c = bad.input;
    if (master) c.inputs.emplace("master", c.inputs.at("param"));
    refuses(c, bad.field, bad.description);
    if (bad.field != "no_such_field") continue;
    c.spec.erase("no_such_field");  // the valid base case, given a master of the wrong size
    c.inputs.insert_or_assign("master", Array<Real>(Shape{3}, Real(0)));
    refuses(c, "master.shape", "a master sized unlike param");
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, MixedPrecision, testing::ValuesIn(every_mixed_rule()), mixed_name);

TEST(Bfloat16, RoundsToNearestEvenAndKeepsNaN) {
  for (float x : {1.0f, 1.00390625f, 1.01171875f, 1.0078125f, -3.3e38f, 3.4e38f, 1e-40f, -0.0f,
                  std::numeric_limits<float>::infinity(), std::numeric_limits<float>::denorm_min()}) {
    EXPECT_EQ(fast::to_float(fast::to_bfloat16(x)), round_to_bfloat16(exact(static_cast<double>(x)))) << x;
  }
  EXPECT_TRUE(std::isnan(fast::to_float(fast::to_bfloat16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_TRUE(std::isnan(fast::to_float(fast::to_bfloat16(std::bit_cast<float>(0x7FFFFFFFu)))));
  EXPECT_TRUE(std::isnan(fast::to_float(fast::to_bfloat16(std::bit_cast<float>(0x7F800001u)))));
}

}  // namespace
}  // namespace gradref::properties
