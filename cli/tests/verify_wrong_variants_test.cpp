// The proof that `gradref verify` has teeth: for every update rule and every loss,
// each known-wrong variant (catalog::WrongVariant: eps on the wrong side of the
// root, no bias correction, a step counter off by one, float32 arithmetic in a
// float64 kernel, ...) runs as the candidate on cases drawn from the variant's
// generator, against golden data built in memory exactly as `gradref golden`
// writes it, and verify's check must reject at least one case per variant and
// dtype. On the same cases the op's fast kernel and the correctly rounded exact
// values must pass.
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
constexpr int kCases = 6;
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

INSTANTIATE_TEST_SUITE_P(Catalog, VerifyRejectsWrongVariants, testing::ValuesIn(rules_and_losses()),
                         [](const testing::TestParamInfo<const catalog::Entry*>& info) { return info.param->name; });

}  // namespace
}  // namespace gradref::cli::verify
