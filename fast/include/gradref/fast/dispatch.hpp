#pragma once
// SIMD targets: the fast kernels are compiled for several x86-64 targets (Highway's
// foreach_target) and the best one the CPU supports is picked at run time. Tests run
// every compiled target the CPU supports, not only the one this machine would pick.
#include <cstdint>
#include <string>
#include <vector>

namespace gradref::fast {

struct Target {
  std::int64_t bits;  ///< Highway target bit (HWY_AVX2, HWY_SSE4, HWY_EMU128, ...)
  std::string name;
};

/// Targets compiled into gradref::fast that this CPU can run, best first.
std::vector<Target> available_targets();

/// Name of the target the kernels dispatch to now.
std::string current_target();

/// Restricts dispatch to one target for the lifetime of the object.
class ScopedTarget {
 public:
  explicit ScopedTarget(const Target& target);
  ~ScopedTarget();
  ScopedTarget(const ScopedTarget&) = delete;
  ScopedTarget& operator=(const ScopedTarget&) = delete;
};

}  // namespace gradref::fast
