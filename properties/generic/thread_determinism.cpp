// Fast kernels give bitwise identical outputs for 1, 2 and 3 threads. The grain
// limit makes the generated (small) cases split across threads too.
#include <rapidcheck.h>

#include <cstring>

#include "gradref/fast/threads.hpp"
#include "support/catalog_params.hpp"

namespace gradref::properties {
namespace {

bool bitwise_equal(const catalog::NamedArrays<double>& a, const catalog::NamedArrays<double>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, x] : a) {
    const auto& y = b.at(name);
    if (x.shape() != y.shape() || std::memcmp(x.data(), y.data(), sizeof(double) * static_cast<std::size_t>(x.size())) != 0)
      return false;
  }
  return true;
}

class ThreadDeterminism : public testing::TestWithParam<OpInDtype> {};

TEST_P(ThreadDeterminism, SameBitsForAnyThreadCount) {
  const auto [entry, dtype] = GetParam();
  const int saved = fast::thread_count();
  fast::set_grain_limit(1);
  const bool ok = rc::check(entry->name + " determinism", [&] {
    const catalog::Case c = *entry->generator(dtype);
    fast::set_thread_count(1);
    const auto one = entry->fast(c, dtype);
    for (int threads : {2, 3}) {
      fast::set_thread_count(threads);
      RC_ASSERT(bitwise_equal(one, entry->fast(c, dtype)));
    }
  });
  fast::set_thread_count(saved);
  fast::set_grain_limit(0);
  EXPECT_TRUE(ok);
}

INSTANTIATE_TEST_SUITE_P(Catalog, ThreadDeterminism, testing::ValuesIn(ops_with_fast_kernel_in_every_dtype()), param_name);

}  // namespace
}  // namespace gradref::properties
