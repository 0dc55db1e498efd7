// Every invalid input an op lists is refused by the reference and by the fast
// kernel in both dtypes, with an InvalidInput naming the op and the field.
#include "gradref/spec/errors.hpp"
#include "support/catalog_params.hpp"

namespace gradref::properties {
namespace {

class InvalidInputs : public testing::TestWithParam<const catalog::Entry*> {};

template <class F>
void expect_refused(const catalog::Entry& entry, const catalog::InvalidCase& bad, const char* path, F&& run) {
  try {
    run();
    ADD_FAILURE() << entry.name << " " << path << " accepted: " << bad.description;
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.op(), entry.name) << path << ": " << bad.description << ": " << e.what();
    EXPECT_EQ(e.field(), bad.field) << path << ": " << bad.description << ": " << e.what();
    EXPECT_FALSE(e.expected().empty()) << e.what();
  }
}

TEST_P(InvalidInputs, AreRefusedNamingTheField) {
  const catalog::Entry& entry = *GetParam();
  const auto cases = entry.invalid_cases();
  ASSERT_FALSE(cases.empty()) << entry.name << " lists no invalid inputs";
  for (const catalog::InvalidCase& bad : cases) {
    expect_refused(entry, bad, "reference", [&] { entry.reference(bad.input); });
    if (!entry.fast) continue;
    expect_refused(entry, bad, "fast float32", [&] { entry.fast(bad.input, catalog::Dtype::float32); });
    expect_refused(entry, bad, "fast float64", [&] { entry.fast(bad.input, catalog::Dtype::float64); });
  }
}

INSTANTIATE_TEST_SUITE_P(Catalog, InvalidInputs, testing::ValuesIn(every_op()), entry_name);

}  // namespace
}  // namespace gradref::properties
