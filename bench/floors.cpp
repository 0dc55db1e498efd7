// The floors, written like the kernels: Highway dynamic dispatch, LoadU/StoreU on
// full vectors plus a scalar tail (a floor has no per-element arithmetic whose
// order matters), parallel_for with the kernels' grains.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "floors.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <utility>

#include "floors.hpp"
#include "gradref/fast/threads.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::bench::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The grains of the rule loop (fast/src/rules/elementwise_rule-inl.h, kRuleGrain) and
// of fast/src/losses/cross_entropy.cpp.
constexpr std::int64_t kAdamGrain = 1 << 15;
constexpr std::int64_t kCrossEntropyGrainElements = 1 << 15;

void AdamFloor(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, std::int64_t n) {
  fast::parallel_for(n, kAdamGrain, [=](std::int64_t begin, std::int64_t end) {
    const hn::ScalableTag<float> d;
    const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
    std::int64_t i = begin;
    for (; i + lanes <= end; i += lanes) {
      const auto p = hn::LoadU(d, param + i), g = hn::LoadU(d, grad + i);
      const auto m = hn::LoadU(d, exp_avg + i), v = hn::LoadU(d, exp_avg_sq + i);
      hn::StoreU(hn::Max(p, g), d, param + i);
      hn::StoreU(v, d, exp_avg + i);
      hn::StoreU(m, d, exp_avg_sq + i);
    }
    for (; i < end; ++i) {
      param[i] = std::max(param[i], grad[i]);
      std::swap(exp_avg[i], exp_avg_sq[i]);
    }
  });
}

void CrossEntropyFloor(const float* logits, std::int64_t rows, std::int64_t classes, float* grad) {
  const std::int64_t grain = std::max<std::int64_t>(1, kCrossEntropyGrainElements / classes);
  fast::parallel_for(rows, grain, [=](std::int64_t begin, std::int64_t end) {
    const hn::ScalableTag<float> d;
    const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d)), count = (end - begin) * classes;
    const float* in = logits + begin * classes;
    float* out = grad + begin * classes;
    std::int64_t i = 0;
    for (; i + lanes <= count; i += lanes) hn::StoreU(hn::LoadU(d, in + i), d, out + i);
    for (; i < count; ++i) out[i] = in[i];
  });
}

}  // namespace gradref::bench::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "gradref/fast/dispatch.hpp"

namespace gradref::bench {

HWY_EXPORT(AdamFloor);
HWY_EXPORT(CrossEntropyFloor);

void adam_floor(std::span<float> param, std::span<const float> grad, std::span<float> exp_avg,
                std::span<float> exp_avg_sq) {
  HWY_DYNAMIC_DISPATCH(AdamFloor)(param.data(), grad.data(), exp_avg.data(), exp_avg_sq.data(),
                                  static_cast<std::int64_t>(param.size()));
}

void cross_entropy_floor(std::span<const float> logits, std::int64_t rows, std::int64_t classes,
                         std::span<float> grad_logits) {
  HWY_DYNAMIC_DISPATCH(CrossEntropyFloor)(logits.data(), rows, classes, grad_logits.data());
}

std::string machine_label() {
  return fast::current_target() + ", " + std::to_string(fast::thread_count()) + " threads";
}

}  // namespace gradref::bench
#endif  // HWY_ONCE
