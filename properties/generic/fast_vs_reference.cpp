// Every op's fast kernel, on every SIMD target this CPU runs, stays within the op's
// error model of the exact reference, in float32 and float64 (reference-only ops
// have no fast kernel and are not listed).
#include <rapidcheck.h>

#include "gradref/catalog/compare.hpp"
#include "gradref/fast/dispatch.hpp"
#include "support/catalog_params.hpp"

namespace gradref::properties {
namespace {

class FastVsReference : public testing::TestWithParam<OpInDtype> {};

TEST_P(FastVsReference, WithinErrorModelOnEveryTarget) {
  const auto [entry, dtype] = GetParam();
  for (const fast::Target& target : fast::available_targets()) {
    fast::ScopedTarget scoped(target);
    const bool ok = rc::check(entry->name + " " + catalog::dtype_name(dtype) + " on " + target.name, [&] {
      const catalog::Case c = *entry->generator(dtype);
      const catalog::Comparison r = catalog::compare(*entry, c, dtype, entry->fast(c, dtype));
      RC_ASSERT(r.bound_finite);  // generators stay where the error model bounds the kernel
      if (!r.passed) RC_FAIL(r.describe());
      RC_CLASSIFY(r.worst_ratio > 0.5, "error above half the bound");
    });
    EXPECT_TRUE(ok) << target.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Catalog, FastVsReference, testing::ValuesIn(ops_with_fast_kernel_in_every_dtype()), param_name);

}  // namespace
}  // namespace gradref::properties
