// The loop of elementwise_rule-inl.h for bfloat16 mixed precision: the same chunks,
// static partition and padded tail, the same Kernel::update on float32 vectors;
// only the loads and stores differ. bf16 param and gradients are promoted to float32
// (exact); param is stored rounded to nearest even (Highway 1.0's DemoteTo to
// bfloat16 truncates, so the rounding is done here on the bits); a master, when
// given, is what the rule steps and is stored in float32.
#if defined(GRADREF_FAST_RULES_MIXED_RULE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GRADREF_FAST_RULES_MIXED_RULE_INL_H_
#undef GRADREF_FAST_RULES_MIXED_RULE_INL_H_
#else
#define GRADREF_FAST_RULES_MIXED_RULE_INL_H_
#endif

#include <hwy/highway.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "rules/elementwise_rule-inl.h"
#include "rules/mixed_rule_job.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// bfloat16 bits to float32: the bits are float32's upper half (exact).
template <class D>
hn::Vec<D> PromoteBf16(D d, const std::uint16_t* p) {
  const hn::Rebind<std::uint16_t, D> d16;
  const hn::RebindToUnsigned<D> du;
  return hn::BitCast(d, hn::ShiftLeft<16>(hn::PromoteTo(du, hn::LoadU(d16, p))));
}

/// float32 to bfloat16 bits, rounded to nearest, ties to even: add 0x7FFF plus the
/// lowest kept bit, keep the upper half (a carry into the exponent is the rounding
/// up to the next binade, or to infinity past the largest bfloat16). A NaN keeps
/// its upper half with the quiet bit set (rounding could carry it into an infinity).
template <class D>
void StoreBf16(D, hn::Vec<D> v, std::uint16_t* p) {
  const hn::Rebind<std::uint16_t, D> d16;
  const hn::RebindToUnsigned<D> du;
  const hn::RebindToSigned<D> di;
  const auto bits = hn::BitCast(du, v);
  const auto upper = hn::ShiftRight<16>(bits);
  const auto rounded = hn::ShiftRight<16>(hn::Add(bits, hn::Add(hn::Set(du, 0x7FFFu), hn::And(upper, hn::Set(du, 1u)))));
  const auto out = hn::IfThenElse(hn::RebindMask(du, hn::IsNaN(v)), hn::Or(upper, hn::Set(du, 0x40u)), rounded);
  hn::StoreU(hn::DemoteTo(d16, hn::BitCast(di, out)), d16, p);  // < 2^16: the demotion is exact
}

template <class Kernel>
void MixedRuleRange(const MixedRuleJob<typename Kernel::Params>& job, std::int64_t begin, std::int64_t end) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  const V sign = hn::Set(d, job.maximize ? -0.0f : 0.0f);
  constexpr int kFixed = FixedArrays<Kernel>();
  const int count = kFixed > 0 ? kFixed : job.count;
  const bool master = job.master != nullptr;
  std::array<float*, kMaxRuleArrays> arrays = job.slots;  // local copy, as in RuleRange
  arrays[0] = job.master;
  std::uint16_t* const param = job.param;

  for (std::int64_t chunk = begin; chunk < end; chunk += kRuleChunk) {
    const std::int64_t chunk_end = std::min(end, chunk + kRuleChunk);
    for (std::int64_t k = 0; k < job.steps; ++k) {
      const typename Kernel::Params params = job.per_step[k];
      const auto consts = Kernel::load(d, params);
      const std::uint16_t* grad = job.grads + k * job.n;
      const auto update = [&](std::uint16_t* theta, float* const* rows, const std::uint16_t* g_in, std::int64_t offset) {
        V x[kMaxRuleArrays];
        x[0] = master ? hn::LoadU(d, rows[0] + offset) : PromoteBf16(d, theta + offset);
        for (int a = 1; a < count; ++a) x[a] = hn::LoadU(d, rows[a] + offset);
        Kernel::update(d, consts, params, x, hn::Xor(PromoteBf16(d, g_in + offset), sign));
        if (master) hn::StoreU(x[0], d, rows[0] + offset);
        StoreBf16(d, x[0], theta + offset);
        for (int a = 1; a < count; ++a) hn::StoreU(x[a], d, rows[a] + offset);
      };
      std::int64_t i = chunk;
      for (; i + lanes <= chunk_end; i += lanes) update(param, arrays.data(), grad, i);
      if (i < chunk_end) {
        const std::size_t tail = static_cast<std::size_t>(chunk_end - i);
        HWY_ALIGN float padded[kMaxRuleArrays][hn::MaxLanes(d)] = {};
        HWY_ALIGN std::uint16_t theta[hn::MaxLanes(d)] = {};
        HWY_ALIGN std::uint16_t g[hn::MaxLanes(d)] = {};
        float* rows[kMaxRuleArrays] = {};
        for (int a = 0; a < count; ++a) {
          if (arrays[static_cast<std::size_t>(a)] == nullptr) continue;  // no master
          rows[a] = padded[a];
          std::memcpy(padded[a], arrays[static_cast<std::size_t>(a)] + i, tail * sizeof(float));
        }
        std::memcpy(theta, param + i, tail * sizeof(std::uint16_t));
        std::memcpy(g, grad + i, tail * sizeof(std::uint16_t));
        update(theta, rows, g, 0);
        for (int a = 0; a < count; ++a)
          if (rows[a] != nullptr) std::memcpy(arrays[static_cast<std::size_t>(a)] + i, padded[a], tail * sizeof(float));
        std::memcpy(param + i, theta, tail * sizeof(std::uint16_t));
      }
    }
  }
}

/// Steps the job's [begin, end), one thread's piece (rules/mixed_rule_dispatch.hpp).
template <class Kernel>
void RunMixedRule(const MixedRuleJob<typename Kernel::Params>& job) {
  MixedRuleRange<Kernel>(job, job.begin, job.end);
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // include guard toggled per target
