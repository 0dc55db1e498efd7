// The proof that the comparison has teeth: each op's known-wrong variants (eps on
// the wrong side, missing bias correction, no max shift, ...) run in place of the
// fast kernel and must be rejected by the very comparison the fast kernel passes.
#include <rapidcheck.h>

#include <cstdlib>
#include <string>

#include "gradref/catalog/compare.hpp"
#include "support/catalog_params.hpp"

namespace gradref::properties {
namespace {

// Cases drawn per variant and dtype; a variant must be rejected on at least one.
constexpr int kCases = 200;

class WrongVariants : public testing::TestWithParam<OpInDtype> {};

TEST_P(WrongVariants, EachIsRejectedByTheComparison) {
  const auto [entry, dtype] = GetParam();
  for (const catalog::WrongVariant& variant : entry->wrong_variants) {
    if (std::find(variant.dtypes.begin(), variant.dtypes.end(), dtype) == variant.dtypes.end()) continue;
    const rc::Gen<catalog::Case> gen = variant.generator(dtype);
    int rejected = 0;
    std::string example;
    for (int i = 0; i < kCases; ++i) {
      const catalog::Case c = gen(rc::Random(static_cast<std::uint64_t>(1000 + i)), 1 + i % 100).value();
      const catalog::Comparison r = catalog::compare(*entry, c, dtype, variant.run(c, dtype));
      if (!r.passed) {
        if (rejected++ == 0) example = r.describe();
      }
    }
    EXPECT_GT(rejected, 0) << entry->name << " variant " << variant.name << " (" << variant.description
                           << ") passed all " << kCases << " cases in " << catalog::dtype_name(dtype);
    RecordProperty(variant.name + "_" + catalog::dtype_name(dtype) + "_rejected", rejected);
    std::cout << "  " << variant.name << " [" << catalog::dtype_name(dtype) << "]: rejected " << rejected << "/"
              << kCases << "; e.g. " << example << "\n";
  }
}

INSTANTIATE_TEST_SUITE_P(Catalog, WrongVariants, testing::ValuesIn(every_op_in_every_dtype()), param_name);

}  // namespace
}  // namespace gradref::properties
