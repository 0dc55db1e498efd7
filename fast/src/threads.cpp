// A persistent pool of thread_count() - 1 workers; the calling thread runs range 0.
// Range boundaries depend only on n, grain and the thread count. A parallel_for
// that finds the pool busy (another caller, or a nested call from inside a range)
// runs the same ranges one after another on the calling thread, which gives the
// same results because every range is computed by the same operations anyway.
//
// Both sides spin briefly (kMaxSpin at most, adaptive) before blocking on a
// condition variable: a worker waiting for the next generation, and the caller
// waiting for the workers' ranges. Blocking alone cost about 50-60 us per pooled
// call on the 2-core dev VM (futex wake-up of the sleeping worker, then of the
// caller on done_): Adam float32 at 2^16 elements took 72 us per step against
// 2.4 us at 2^12. The spin is bounded, so an idle process burns no CPU beyond it.
#include "gradref/fast/threads.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#define GRADREF_HAVE_MM_PAUSE 1
#endif

namespace gradref::fast {
namespace {

int default_thread_count() {
  if (const char* env = std::getenv("GRADREF_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n >= 1 && n <= 4096) return static_cast<int>(n);
  }
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::atomic<int>& configured_threads() {
  static std::atomic<int> count{default_thread_count()};
  return count;
}

std::atomic<std::int64_t>& grain_limit() {
  static std::atomic<std::int64_t> limit{0};
  return limit;
}

using Body = std::function<void(std::int64_t, std::int64_t)>;

/// Range i of `chunks` near-equal contiguous ranges covering [0, n).
std::pair<std::int64_t, std::int64_t> range_of(std::int64_t n, std::int64_t chunks, std::int64_t i) {
  const std::int64_t base = n / chunks, extra = n % chunks;
  const std::int64_t begin = i * base + std::min(i, extra);
  return {begin, begin + base + (i < extra ? 1 : 0)};
}

thread_local bool inside_parallel_for = false;

/// Longest and shortest spin of a waiting side before it blocks on its condition variable.
constexpr std::chrono::nanoseconds kMaxSpin = std::chrono::microseconds(50), kMinSpin = std::chrono::microseconds(1);

void cpu_relax() {
#ifdef GRADREF_HAVE_MM_PAUSE
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

/// Spins until ready() or `budget` has passed (the clock is read every 16 tries); returns ready().
/// The budget adapts per waiting thread: it halves (down to kMinSpin) when a spin runs out and
/// grows by a quarter (up to kMaxSpin) when the spin, not the first check, saw ready() in time. On an oversubscribed machine the party being waited
/// for often cannot run while we spin, so a fixed 50 us spin made each pooled call about 4x slower
/// there (measured at load ~7 on the 2-core VM); the back-off bounds that waste to about kMinSpin.
template <class Ready>
bool spin_until(Ready ready, std::chrono::nanoseconds& budget) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (unsigned i = 1;; ++i) {
    if (ready()) {
      if (i > 1) {
        // Past the deadline, ready() came true while this thread was descheduled: no credit to the spin.
        if (std::chrono::steady_clock::now() < deadline) budget = std::min(kMaxSpin, budget + budget / 4);
        else budget = std::max(kMinSpin, budget / 2);
      }
      return true;
    }
    cpu_relax();
    if (i % 16 == 0 && std::chrono::steady_clock::now() >= deadline) break;
  }
  budget = std::max(kMinSpin, budget / 2);
  return ready();
}

class Pool {
 public:
  ~Pool() { resize(0); }

  /// Runs the ranges on the pool if it is free; returns false (having run nothing) if busy.
  bool try_run(std::int64_t n, std::int64_t chunks, const Body& body) {
    std::unique_lock<std::mutex> caller(run_mutex_, std::try_to_lock);
    if (!caller.owns_lock()) return false;
    if (static_cast<std::int64_t>(workers_.size()) < chunks - 1) resize(static_cast<int>(chunks - 1));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      body_ = &body;
      n_ = n;
      chunks_ = chunks;
      pending_.store(chunks - 1, std::memory_order_relaxed);
      errors_.assign(static_cast<std::size_t>(chunks), nullptr);
      generation_.store(generation_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    start_.notify_all();
    run_range(0);
    // The acquire load that sees 0 makes the workers' errors_ entries (and writes) visible.
    const auto finished = [this] { return pending_.load(std::memory_order_acquire) == 0; };
    thread_local std::chrono::nanoseconds spin = kMaxSpin;
    if (!spin_until(finished, spin)) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, finished);
    }
    body_ = nullptr;  // no worker reads it now: all ranges are done, and the next job sets it under mutex_
    for (const std::exception_ptr& e : errors_)
      if (e) std::rethrow_exception(e);
    return true;
  }

  /// Drops workers beyond what `threads` needs; a busy pool keeps them until next time.
  void shrink_to(int threads) {
    std::unique_lock<std::mutex> caller(run_mutex_, std::try_to_lock);
    if (caller.owns_lock() && static_cast<int>(workers_.size()) > threads - 1) resize(threads - 1);
  }

 private:
  void run_range(std::int64_t i) {
    const auto [begin, end] = range_of(n_, chunks_, i);
    try {
      (*body_)(begin, end);
    } catch (...) {
      errors_[static_cast<std::size_t>(i)] = std::current_exception();
    }
  }

  void work(std::int64_t index, std::uint64_t seen) {
    inside_parallel_for = true;
    const auto woken = [&] {
      return stop_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen;
    };
    std::chrono::nanoseconds spin = kMaxSpin;
    for (;;) {
      spin_until(woken, spin);
      {
        // Job fields are read under mutex_ (a worker skipping a job must not race the next one's setup);
        // the wait returns at once when the spin already saw the change.
        std::unique_lock<std::mutex> lock(mutex_);
        start_.wait(lock, woken);
        if (stop_.load(std::memory_order_relaxed)) return;
        seen = generation_.load(std::memory_order_relaxed);
        if (index >= chunks_) continue;
      }
      run_range(index);
      // Decrement under mutex_, then notify: the caller's blocking wait checks pending_ under the same
      // mutex, so the wake-up cannot be lost; its spin sees the release of the decrement directly.
      std::lock_guard<std::mutex> lock(mutex_);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_.notify_one();
    }
  }

  // Caller holds run_mutex_ (or is the destructor), so no job is in flight.
  void resize(int workers) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_.store(true, std::memory_order_release);
    }
    start_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    stop_.store(false, std::memory_order_relaxed);  // no worker runs now; thread creation publishes it
    const std::uint64_t seen = generation_.load(std::memory_order_relaxed);
    for (int i = 0; i < workers; ++i) workers_.emplace_back(&Pool::work, this, i + 1, seen);
  }

  std::mutex run_mutex_;  // one parallel_for at a time on the pool
  std::mutex mutex_;
  std::condition_variable start_, done_;
  std::vector<std::thread> workers_;
  // Written under mutex_ (pending_ is set under it and decremented under it), read by the spins without it.
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::int64_t> pending_{0};
  const Body* body_ = nullptr;
  std::int64_t n_ = 0, chunks_ = 0;
  std::vector<std::exception_ptr> errors_;
};

Pool& pool() {
  static Pool instance;
  return instance;
}

}  // namespace

int thread_count() { return configured_threads().load(); }

void set_thread_count(int n) {
  if (n < 1) throw std::invalid_argument("gradref::fast::set_thread_count: n = " + std::to_string(n) + ", expected >= 1");
  configured_threads().store(n);
  if (!inside_parallel_for) pool().shrink_to(n);
}

void set_grain_limit(std::int64_t limit) { grain_limit().store(limit); }
std::int64_t active_grain_limit() { return grain_limit().load(); }

void parallel_for(std::int64_t n, std::int64_t grain, const Body& body) {
  if (n <= 0) return;
  if (const std::int64_t limit = grain_limit().load(); limit > 0) grain = std::min(grain, limit);
  const std::int64_t chunks = std::min<std::int64_t>(thread_count(), std::max<std::int64_t>(1, n / std::max<std::int64_t>(1, grain)));
  if (chunks == 1) {
    body(0, n);
    return;
  }
  if (!inside_parallel_for) {
    inside_parallel_for = true;
    struct Reset {
      ~Reset() { inside_parallel_for = false; }
    } reset;
    if (pool().try_run(n, chunks, body)) return;
  }
  for (std::int64_t i = 0; i < chunks; ++i) {
    const auto [begin, end] = range_of(n, chunks, i);
    body(begin, end);
  }
}

}  // namespace gradref::fast
