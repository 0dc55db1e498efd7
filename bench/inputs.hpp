#pragma once
// Benchmark inputs: fixed-seed normal values, so every run times the same data.
#include <cstdint>
#include <random>
#include <vector>

namespace gradref::bench {

inline std::vector<float> normal_values(std::int64_t n, double stddev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, static_cast<float>(stddev));
  std::vector<float> out(static_cast<std::size_t>(n));
  for (float& x : out) x = normal(rng);
  return out;
}

}  // namespace gradref::bench
