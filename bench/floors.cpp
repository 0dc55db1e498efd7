// The floors, written like the kernels: Highway dynamic dispatch, LoadU/StoreU on
// full vectors plus a one-lane tail (a floor has no per-element arithmetic whose
// order matters), parallel_for with the kernels' grains.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "floors.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <array>

#include "floors.hpp"
#include "gradref/fast/threads.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::bench::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The grains of the rule loop (fast/src/rules/rule_job.hpp, kRuleGrain) and
// of fast/src/losses/cross_entropy.cpp (kGrainElements).
constexpr std::int64_t kRuleGrain = 1 << 15;
constexpr std::int64_t kCrossEntropyGrainElements = 1 << 15;
constexpr int kMaxUpdated = kMaxRuleFloorArrays;

/// One vector (of d's lane count) of every array at i: load them all, then store
/// each one or'ed with g & zero (= itself), as the rule loop loads, updates, stores.
template <int kUpdated, class D, class T = hn::TFromD<D>>
HWY_INLINE void FloorVector(D d, const std::array<T*, kMaxUpdated>& x, const T* grad, hn::Vec<D> zero,
                            std::int64_t i) {
  const auto g = hn::And(hn::LoadU(d, grad + i), zero);
  hn::Vec<D> v[kUpdated];
  for (int a = 0; a < kUpdated; ++a) v[a] = hn::LoadU(d, x[static_cast<std::size_t>(a)] + i);
  for (int a = 0; a < kUpdated; ++a) hn::StoreU(hn::Or(v[a], g), d, x[static_cast<std::size_t>(a)] + i);
}

template <int kUpdated, class T>
void RuleFloorRange(const std::array<T*, kMaxUpdated>& x, const T* grad, T zero, std::int64_t begin,
                    std::int64_t end) {
  const hn::ScalableTag<T> d;
  const hn::CappedTag<T, 1> d1;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  const auto z = hn::Set(d, zero);
  std::int64_t i = begin;
  for (; i + lanes <= end; i += lanes) FloorVector<kUpdated>(d, x, grad, z, i);
  for (; i < end; ++i) FloorVector<kUpdated>(d1, x, grad, hn::Set(d1, zero), i);
}

/// `zero` is 0 at run time, passed from outside the compiler's view (floors.hpp).
template <class T>
void RuleFloor(T* const* updated, int count, const T* grad, std::int64_t n, T zero) {
  std::array<T*, kMaxUpdated> x{};
  std::copy(updated, updated + count, x.begin());
  fast::parallel_for(n, kRuleGrain, [&](std::int64_t begin, std::int64_t end) {
    switch (count) {
      case 1: return RuleFloorRange<1>(x, grad, zero, begin, end);
      case 2: return RuleFloorRange<2>(x, grad, zero, begin, end);
      case 3: return RuleFloorRange<3>(x, grad, zero, begin, end);
      case 4: return RuleFloorRange<4>(x, grad, zero, begin, end);
      default: return RuleFloorRange<5>(x, grad, zero, begin, end);
    }
  });
}

void RuleFloorFloat(float* const* updated, int count, const float* grad, std::int64_t n, float zero) {
  RuleFloor(updated, count, grad, n, zero);
}
void RuleFloorDouble(double* const* updated, int count, const double* grad, std::int64_t n, double zero) {
  RuleFloor(updated, count, grad, n, zero);
}

void CrossEntropyFloor(const float* logits, std::int64_t rows, std::int64_t classes, float* grad) {
  fast::parallel_for(rows * classes, kCrossEntropyGrainElements, [=](std::int64_t begin, std::int64_t end) {
    const hn::ScalableTag<float> d;
    const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
    std::int64_t i = begin;
    for (; i + lanes <= end; i += lanes) hn::StoreU(hn::LoadU(d, logits + i), d, grad + i);
    for (; i < end; ++i) grad[i] = logits[i];
  });
}

void CrossEntropyInPlaceFloor(float* logits, std::int64_t n, float zero) {
  fast::parallel_for(n, kCrossEntropyGrainElements, [=](std::int64_t begin, std::int64_t end) {
    const hn::ScalableTag<float> d;
    const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
    const auto z = hn::Set(d, zero);
    std::int64_t i = begin;
    for (; i + lanes <= end; i += lanes) hn::StoreU(hn::Or(hn::LoadU(d, logits + i), z), d, logits + i);
    for (; i < end; ++i) logits[i] = logits[i] + zero;
  });
}

}  // namespace gradref::bench::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <stdexcept>
#include <type_traits>

#include "gradref/fast/dispatch.hpp"

namespace gradref::bench {

HWY_EXPORT(RuleFloorFloat);
HWY_EXPORT(RuleFloorDouble);
HWY_EXPORT(CrossEntropyFloor);
HWY_EXPORT(CrossEntropyInPlaceFloor);

namespace {
// Read at run time: the compiler cannot fold g & zero away, so the floor must load
// grad and store every array (a store of x | 0 is not a store it may drop).
volatile int opaque_zero = 0;
}  // namespace

template <class T>
void rule_floor(std::span<T* const> updated, const T* grad, std::int64_t n) {
  if (updated.empty() || updated.size() > static_cast<std::size_t>(kMaxRuleFloorArrays))
    throw std::invalid_argument("rule_floor: 1 to 5 updated arrays");
  const int count = static_cast<int>(updated.size());
  const T zero = static_cast<T>(opaque_zero);
  if constexpr (std::is_same_v<T, float>)
    HWY_DYNAMIC_DISPATCH(RuleFloorFloat)(updated.data(), count, grad, n, zero);
  else
    HWY_DYNAMIC_DISPATCH(RuleFloorDouble)(updated.data(), count, grad, n, zero);
}

template void rule_floor<float>(std::span<float* const>, const float*, std::int64_t);
template void rule_floor<double>(std::span<double* const>, const double*, std::int64_t);

void cross_entropy_floor(std::span<const float> logits, std::int64_t rows, std::int64_t classes,
                         std::span<float> grad_logits) {
  HWY_DYNAMIC_DISPATCH(CrossEntropyFloor)(logits.data(), rows, classes, grad_logits.data());
}

void cross_entropy_in_place_floor(std::span<float> logits) {
  HWY_DYNAMIC_DISPATCH(CrossEntropyInPlaceFloor)(logits.data(), static_cast<std::int64_t>(logits.size()),
                                                 static_cast<float>(opaque_zero));
}

std::string machine_label() {
  return fast::current_target() + ", " + std::to_string(fast::thread_count()) + " threads";
}

}  // namespace gradref::bench
#endif  // HWY_ONCE
