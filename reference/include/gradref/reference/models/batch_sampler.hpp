#pragma once
// The seeded batch sampler of mini-batch training: splitmix64 (Steele, Lea & Flood,
// "Fast splittable pseudorandom number generators", OOPSLA 2014; the constants of
// Vigna's reference C code) and a Fisher-Yates shuffle per epoch with bounded draws
// by rejection, so every platform and compiler draws the same batches from the same
// seed (std::uniform_int_distribution and std::shuffle are implementation-defined).
#include <cstdint>
#include <utility>
#include <vector>

namespace gradref::reference {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Uniform on [0, n), n >= 1, without modulo bias: draws below 2^64 mod n are
  /// rejected, leaving a multiple of n equally likely values.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t r = next();
      if (r >= threshold) return r % n;
    }
  }

 private:
  std::uint64_t state_;
};

/// Fisher-Yates (Durstenfeld): for i = n-1 down to 1, swap v[i] with v[j], j uniform on [0, i].
template <class V>
void shuffle(std::vector<V>& v, SplitMix64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng.below(i));
    std::swap(v[i - 1], v[j]);
  }
}

}  // namespace gradref::reference
