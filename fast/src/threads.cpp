// A persistent pool of thread_count() - 1 workers; the calling thread runs range 0.
// Range boundaries depend only on n, grain and the thread count. A parallel_for
// that finds the pool busy (another caller, or a nested call from inside a range)
// runs the same ranges one after another on the calling thread, which gives the
// same results because every range is computed by the same operations anyway.
#include "gradref/fast/threads.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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
      pending_ = chunks - 1;
      errors_.assign(static_cast<std::size_t>(chunks), nullptr);
      ++generation_;
    }
    start_.notify_all();
    run_range(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    body_ = nullptr;
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
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      start_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      if (index >= chunks_) continue;
      lock.unlock();
      run_range(index);
      lock.lock();
      if (--pending_ == 0) done_.notify_one();
    }
  }

  // Caller holds run_mutex_ (or is the destructor), so no job is in flight.
  void resize(int workers) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    start_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    stop_ = false;
    for (int i = 0; i < workers; ++i) workers_.emplace_back(&Pool::work, this, i + 1, generation_);
  }

  std::mutex run_mutex_;  // one parallel_for at a time on the pool
  std::mutex mutex_;
  std::condition_variable start_, done_;
  std::vector<std::thread> workers_;
  bool stop_ = false;
  std::uint64_t generation_ = 0;
  const Body* body_ = nullptr;
  std::int64_t n_ = 0, chunks_ = 0, pending_ = 0;
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
