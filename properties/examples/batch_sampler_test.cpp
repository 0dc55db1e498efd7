// The batch sampler of `gradref train` (reference/models/batch_sampler.hpp) draws the
// same numbers on every platform: splitmix64 against the published outputs for seed
// 1234567 (Vigna's splitmix64.c), and a Fisher-Yates permutation pinned from an
// independent Python transcription of the algorithm in docs/models/training.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "gradref/reference/models/batch_sampler.hpp"

namespace gradref {
namespace {

TEST(BatchSampler, SplitMix64MatchesTheReferenceOutputs) {
  reference::SplitMix64 rng(1234567);
  const std::vector<std::uint64_t> expected = {6457827717110365317ULL, 3203168211198807973ULL,
                                               9817491932198370423ULL, 4593380528125082431ULL,
                                               16408922859458223821ULL};
  for (std::uint64_t e : expected) EXPECT_EQ(rng.next(), e);
}

TEST(BatchSampler, ShuffleIsAPinnedPermutation) {
  reference::SplitMix64 rng(1);
  std::vector<int> v(10);
  std::iota(v.begin(), v.end(), 0);
  reference::shuffle(v, rng);
  EXPECT_EQ(v, (std::vector<int>{4, 2, 8, 1, 9, 3, 0, 6, 7, 5}));
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(sorted[static_cast<std::size_t>(i)], i);
}

TEST(BatchSampler, BoundedDrawsStayInRange) {
  reference::SplitMix64 rng(7);
  for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 10ULL, (1ULL << 63) + 1}) {
    for (int k = 0; k < 100; ++k) EXPECT_LT(rng.below(n), n);
  }
}

}  // namespace
}  // namespace gradref
