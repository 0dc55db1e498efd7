#pragma once
// Threads for the fast kernels: a fixed pool and a static, deterministic partition.
// Work is split into contiguous ranges whose boundaries depend only on the problem
// size and the thread count; every result is computed by the same operations
// whichever thread runs it, so outputs are bitwise identical for 1, 2 or N threads.
#include <cstdint>
#include <functional>

namespace gradref::fast {

/// Number of threads kernels use (default: hardware concurrency; GRADREF_THREADS overrides).
int thread_count();
void set_thread_count(int n);

/// Caps the grain of every parallel_for; 0 (the default) leaves grains as the
/// kernels set them. Tests set 1 so that even small inputs are split across threads
/// and the determinism property exercises the partition.
void set_grain_limit(std::int64_t limit);
/// The limit set_grain_limit set (0: none). Partitions with a minimum block of their
/// own (the gemm blocks of dense and mlp) shrink it under a limit too.
std::int64_t active_grain_limit();

/// Calls body(begin, end) on disjoint ranges covering [0, n), in parallel when each
/// range has at least `grain` items. Returns when all are done; rethrows the first
/// exception a range threw.
void parallel_for(std::int64_t n, std::int64_t grain, const std::function<void(std::int64_t, std::int64_t)>& body);

}  // namespace gradref::fast
