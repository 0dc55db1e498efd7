// Target selection goes through Highway's own mechanism: SetSupportedTargetsForTest
// narrows what SupportedTargets() reports, and ChosenTarget::Update makes every
// HWY_DYNAMIC_DISPATCH table pick from the narrowed set. HWY_TARGETS here is the
// same set the kernels were compiled for (gradref_simd_targets sets it for all).
#include "gradref/fast/dispatch.hpp"

#include <hwy/highway.h>
#include <hwy/targets.h>

#include <mutex>
#include <stdexcept>

namespace gradref::fast {
namespace {

std::mutex& scope_mutex() {
  static std::mutex m;
  return m;
}
// Restrictions of the live ScopedTargets, innermost last (scopes nest); guarded by scope_mutex().
std::vector<std::int64_t>& restrictions() {
  static std::vector<std::int64_t> stack;
  return stack;
}

void restrict_to(std::int64_t bits) {
  hwy::SetSupportedTargetsForTest(bits);
  hwy::GetChosenTarget().Update(hwy::SupportedTargets());
}

}  // namespace

std::vector<Target> available_targets() {
  // Computed once, before any ScopedTarget narrows SupportedTargets().
  static const std::vector<Target> targets = [] {
    std::vector<Target> out;
    for (const std::int64_t bits : hwy::SupportedAndGeneratedTargets()) out.push_back({bits, hwy::TargetName(bits)});
    return out;
  }();
  return targets;
}

std::string current_target() {
  const std::int64_t usable = hwy::SupportedTargets() & HWY_TARGETS;
  return hwy::TargetName(usable & -usable);  // lowest bit: the best target
}

ScopedTarget::ScopedTarget(const Target& target) {
  bool known = false;
  for (const Target& t : available_targets()) known = known || t.bits == target.bits;
  if (!known)
    throw std::invalid_argument("gradref::fast::ScopedTarget: target " + target.name +
                                " is not compiled in or not supported by this CPU");
  const std::lock_guard<std::mutex> lock(scope_mutex());
  restrictions().push_back(target.bits);
  restrict_to(target.bits);
}

ScopedTarget::~ScopedTarget() {
  const std::lock_guard<std::mutex> lock(scope_mutex());
  restrictions().pop_back();
  restrict_to(restrictions().empty() ? 0 : restrictions().back());  // 0 lifts the restriction
}

}  // namespace gradref::fast
