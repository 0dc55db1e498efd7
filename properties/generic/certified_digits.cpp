// The digits the reference reports are the ones on which evaluations at p and 2p
// bits agree; every one of them must also agree with an evaluation at 4p bits, and
// each float32/float64 it reports must be the correct rounding of the 4p value.
#include <rapidcheck.h>

#include "gradref/catalog/evaluate.hpp"
#include "support/catalog_params.hpp"

namespace gradref::properties {
namespace {

class CertifiedDigits : public testing::TestWithParam<const catalog::Entry*> {};

TEST_P(CertifiedDigits, AgreeWithFourTimesThePrecision) {
  const catalog::Entry& entry = *GetParam();
  const bool ok = rc::check(entry.name + " certified digits", [&] {
    const catalog::Case c = *entry.generator(*rc::gen::element(catalog::Dtype::float32, catalog::Dtype::float64));
    const catalog::CertifiedOutputs certified = catalog::evaluate_certified(entry, c, default_bits);
    const catalog::NamedArrays<Real> check = catalog::evaluate_at(entry, c, 4 * certified.bits);
    ScopedPrecision precision(4 * certified.bits);
    for (const auto& [name, array] : certified.outputs) {
      const Array<Real>& truth = check.at(name);
      for (std::size_t i = 0; i < array.values.size(); ++i) {
        const catalog::CertifiedValue& v = array.values[i];
        const Real& t = truth[static_cast<std::int64_t>(i)];
        RC_ASSERT(v.digits >= 34 || isnan(t) || isinf(t));
        if (isnan(t) || isinf(t) || t == 0) {
          RC_ASSERT(v.decimal == to_decimal(t, 1));
          continue;
        }
        // The decimal has `digits` significant digits: it must lie within one unit
        // of its last digit of the 4p value.
        const Real printed = parse_real(v.decimal, 4 * certified.bits);
        const Real unit = pow(Real(10), static_cast<int>(floor(log10(abs(t)))) - v.digits + 1);
        RC_ASSERT(abs(printed - t) <= unit);
        if (v.float32) RC_ASSERT(*v.float32 == round_to_float(t));
        if (v.float64) RC_ASSERT(*v.float64 == round_to_double(t));
      }
    }
  });
  EXPECT_TRUE(ok);
}

INSTANTIATE_TEST_SUITE_P(Catalog, CertifiedDigits, testing::ValuesIn(every_op()), entry_name);

}  // namespace
}  // namespace gradref::properties
