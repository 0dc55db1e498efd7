// The proof that `gradref verify` has teeth: for every update rule and every loss,
// each known-wrong variant (catalog::WrongVariant: eps on the wrong side of the
// root, no bias correction, a step counter off by one, float32 arithmetic in a
// float64 kernel, ...) runs as the candidate on cases drawn from the variant's
// generator, against golden data built in memory exactly as `gradref golden`
// writes it, and verify's check must reject at least one case per variant and
// dtype. On the same cases the op's fast kernel and the correctly rounded exact
// values must pass. And for update rules over several gradients, the fast kernel
// run one step at a time passes the resynchronized check step by step.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "verify/case_check.hpp"
#include "verify/golden_data.hpp"

namespace gradref::cli::verify {
namespace {

// Cases per variant and dtype; when none of them is rejected, drawing goes on up
// to kMaxCases (a variant whose bug shows only on some inputs).
constexpr int kCases = 10;
constexpr int kMaxCases = 60;

std::vector<const catalog::Entry*> rules_and_losses() {
  std::vector<const catalog::Entry*> out;
  for (const catalog::Entry* e : catalog::all())
    if (e->kind == "rule" || e->kind == "loss") out.push_back(e);
  return out;
}

CandidateCase rounded_candidate(const GoldenCase& g) {
  CandidateCase c;
  for (const auto& [name, output] : g.outputs) c.outputs.emplace(name, Array<double>(output.shape, output.rounded));
  return c;
}

std::string failure_of(const CaseCheck& c) {
  if (!c.note.empty()) return c.note;
  for (const OutputCheck& o : c.outputs)
    if (!o.passed() && o.worst)
      return o.name + "[" + std::to_string(o.worst->index) + "]: exact " + o.worst->exact + ", error " +
             std::to_string(o.worst->ulps) + " ULP, bound " + o.worst->bound;
  return "";
}

class VerifyRejectsWrongVariants : public testing::TestWithParam<const catalog::Entry*> {};

TEST_P(VerifyRejectsWrongVariants, OfEveryRuleAndLoss) {
  const catalog::Entry& entry = *GetParam();
  ASSERT_FALSE(entry.wrong_variants.empty()) << entry.name << " has no wrong variants";
  for (const catalog::WrongVariant& variant : entry.wrong_variants)
    for (const catalog::Dtype dtype : variant.dtypes) {
      const std::string dtype_name = catalog::dtype_name(dtype);
      const rc::Gen<catalog::Case> gen = variant.generator(dtype);
      int drawn = 0, rejected = 0;
      std::string example;
      for (int i = 0; i < kMaxCases && (i < kCases || rejected == 0); ++i) {
        const catalog::Case c = gen(rc::Random(static_cast<std::uint64_t>(7000 + i)), 1 + (37 * i) % 100).value();
        const std::optional<CertifiedCase> certified = certify_case(entry, c, dtype);
        if (!certified) continue;  // a rounding 4096 bits cannot certify: gradref golden redraws such cases
        const GoldenCase golden = golden_case(*certified, dtype);
        ++drawn;
        const CaseCheck exact =
            check_case(entry, golden, rounded_candidate(golden), dtype_name, TrajectoryMode::free, 0);
        EXPECT_EQ(exact.status, CaseStatus::passed)
            << entry.name << " " << dtype_name << ": the correctly rounded values fail: " << failure_of(exact);
        if (entry.fast) {
          const CaseCheck fast = check_case(entry, golden, {std::nullopt, entry.fast(c, dtype), {}}, dtype_name,
                                            TrajectoryMode::free, 0);
          EXPECT_EQ(fast.status, CaseStatus::passed)
              << entry.name << " " << dtype_name << ": the fast kernel fails: " << failure_of(fast);
        }
        const CaseCheck wrong = check_case(entry, golden, {std::nullopt, variant.run(c, dtype), {}}, dtype_name,
                                           TrajectoryMode::free, 0);
        if (wrong.status == CaseStatus::failed && rejected++ == 0) example = failure_of(wrong);
      }
      EXPECT_GT(rejected, 0) << entry.name << " variant " << variant.name << " (" << variant.description
                             << ") passed verify on all " << drawn << " cases in " << dtype_name;
      std::cout << "  " << entry.name << " " << variant.name << " [" << dtype_name << "]: rejected " << rejected
                << "/" << drawn << (example.empty() ? "" : "; e.g. " + example) << "\n";
    }
}

std::vector<const catalog::Entry*> rules_with_steps() {
  std::vector<const catalog::Entry*> out;
  for (const catalog::Entry* e : rules_and_losses())
    if (e->kind == "rule" && e->fast &&
        std::any_of(e->inputs.begin(), e->inputs.end(), [](const catalog::Port& p) { return p.name == "grad"; }))
      out.push_back(e);
  return out;
}

/// The fast kernel one step at a time: the outputs after each gradient row.
std::vector<catalog::NamedArrays<double>> fast_trajectory(const catalog::Entry& entry, const catalog::Case& c,
                                                          catalog::Dtype dtype) {
  const Array<Real>& grad = c.inputs.at("grad");
  const Shape& shape = c.inputs.at("param").shape();
  const std::int64_t n = element_count(shape);
  const std::int64_t steps = steps_of(entry, c);
  catalog::Case one = c;
  std::vector<catalog::NamedArrays<double>> out;
  for (std::int64_t k = 0; k < steps; ++k) {
    one.inputs.insert_or_assign(
        "grad", Array<Real>(shape, std::vector<Real>(grad.values().begin() + k * n, grad.values().begin() + (k + 1) * n)));
    out.push_back(entry.fast(one, dtype));
    for (auto& [name, value] : one.inputs)
      if (name != "grad" && out.back().contains(name))
        value = out.back().at(name).map<Real>([](double x) { return exact(x); });
  }
  return out;
}

class VerifyResync : public testing::TestWithParam<const catalog::Entry*> {};

TEST_P(VerifyResync, AcceptsTheFastKernelStepByStep) {
  const catalog::Entry& entry = *GetParam();
  for (const catalog::Dtype dtype : {catalog::Dtype::float32, catalog::Dtype::float64}) {
    const rc::Gen<catalog::Case> gen = entry.generator(dtype);
    int multi_step = 0;
    for (int i = 0; i < kCases; ++i) {
      const catalog::Case c = gen(rc::Random(static_cast<std::uint64_t>(9000 + i)), 1 + (37 * i) % 100).value();
      const std::optional<CertifiedCase> certified = certify_case(entry, c, dtype);
      if (!certified) continue;
      const GoldenCase golden = golden_case(*certified, dtype);
      CandidateCase candidate{std::nullopt, {}, fast_trajectory(entry, c, dtype)};
      multi_step += candidate.trajectory.size() > 1;
      const CaseCheck r = check_case(entry, golden, candidate, catalog::dtype_name(dtype), TrajectoryMode::resync, 0);
      EXPECT_EQ(r.mode, "resync");
      EXPECT_EQ(r.status, CaseStatus::passed) << entry.name << " " << catalog::dtype_name(dtype) << ": "
                                              << failure_of(r);
      EXPECT_TRUE(r.unchecked.empty());
    }
    EXPECT_GT(multi_step, 0) << entry.name << ": no multi-step case drawn";
  }
}

INSTANTIATE_TEST_SUITE_P(Catalog, VerifyResync, testing::ValuesIn(rules_with_steps()),
                         [](const testing::TestParamInfo<const catalog::Entry*>& info) { return info.param->name; });

INSTANTIATE_TEST_SUITE_P(Catalog, VerifyRejectsWrongVariants, testing::ValuesIn(rules_and_losses()),
                         [](const testing::TestParamInfo<const catalog::Entry*>& info) { return info.param->name; });

}  // namespace
}  // namespace gradref::cli::verify
