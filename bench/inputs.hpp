#pragma once
// Benchmark inputs: fixed-seed values from a counter hash, filled in parallel, so
// every run times the same data and a 2^26-element array costs a fraction of a
// second to set up (the kernels have no data-dependent branches: the distribution
// does not change their time, only the absence of denormals and NaN matters).
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <new>
#include <span>

#include "gradref/fast/threads.hpp"

namespace gradref::bench {

/// splitmix64 of (seed, i): independent of the thread that fills element i.
inline std::uint64_t hash_index(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + i * 0xBF58476D1CE4E5B9ull + 0x94D049BB133111EBull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// x[i] uniform in [low, high) on a 2^-24 grid: never denormal unless low or high is.
template <class T>
void fill_uniform(std::span<T> x, double low, double high, std::uint64_t seed) {
  fast::parallel_for(static_cast<std::int64_t>(x.size()), 1 << 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const double u = static_cast<double>(hash_index(seed, static_cast<std::uint64_t>(i)) >> 40) * 0x1p-24;
      x[static_cast<std::size_t>(i)] = static_cast<T>(low + (high - low) * u);
    }
  });
}

/// Freed arrays by size in bytes, kept for reuse: a benchmark's repetitions (each
/// a new call of the benchmark function) and the next benchmark of the same size get
/// pages already mapped, instead of paying page faults (seconds of system time per
/// 2^26-element run) outside the measurement but inside the suite's run time.
inline std::multimap<std::size_t, void*>& free_blocks() {
  static std::multimap<std::size_t, void*> blocks;
  return blocks;
}

/// Returns an array's block to free_blocks() (blocks are never given back to the system).
struct ReturnToPool {
  std::size_t bytes = 0;
  void operator()(void* block) const { free_blocks().emplace(bytes, block); }
};

/// An uninitialized array, 64-byte aligned like a framework's tensors (the fill is
/// its first touch, spread over the threads, when the block is new).
template <class T>
struct Array {
  explicit Array(std::int64_t n) : size(n), data(take(n), ReturnToPool{bytes(n)}) {}
  Array(std::int64_t n, double low, double high, std::uint64_t seed) : Array(n) { fill_uniform(span(), low, high, seed); }
  std::span<T> span() { return {data.get(), static_cast<std::size_t>(size)}; }
  std::span<const T> view() const { return {data.get(), static_cast<std::size_t>(size)}; }
  std::int64_t size;
  std::unique_ptr<T[], ReturnToPool> data;

 private:
  static std::size_t bytes(std::int64_t n) { return static_cast<std::size_t>(n) * sizeof(T); }
  static T* take(std::int64_t n) {
    auto& blocks = free_blocks();
    if (const auto kept = blocks.find(bytes(n)); kept != blocks.end()) {
      void* block = kept->second;
      blocks.erase(kept);
      return static_cast<T*>(block);
    }
    return static_cast<T*>(::operator new(bytes(n), std::align_val_t{64}));
  }
};

}  // namespace gradref::bench
