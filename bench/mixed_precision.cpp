// bfloat16 mixed precision (gradref/fast/rules/mixed_precision.hpp): a few rules
// with bf16 param and grad, float32 state, with and without a float32 master, at
// 2^20 (L3) to 2^26 elements (memory), each timed alternately with a floor that
// moves the same bytes (against_floor.hpp). Bytes per element and step:
//   no master: read param (2), grad (2), each slot (4); write param (2), each slot (4)
//   master:    read master (4), grad (2), each slot (4); write master (4), param (2), each slot (4)
// (with a master the kernel never reads param). Names: <rule>/bf16/fast/2^k and
// <rule>/bf16_master/fast/2^k.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "mixed_precision.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <array>
#include <cstdint>

#include "gradref/fast/threads.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::bench::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr std::int64_t kRuleGrain = 1 << 15;  // fast/src/rules/elementwise_rule-inl.h
constexpr int kMaxSlots = 4;

/// One vector of float lanes at i: loads and stores as the mixed kernel does them,
/// the values written being the values read (x | (g & 0)); with a master, param is
/// written with the master's upper half (the bits a truncating store would give).
template <int kSlots, class D>
HWY_INLINE void MixedFloorVector(D d, std::uint16_t* param, float* master, const std::array<float*, kMaxSlots>& s,
                                 const std::uint16_t* grad, hn::Vec<D> zero, std::int64_t i) {
  const hn::Rebind<std::uint16_t, D> d16;
  const hn::RebindToUnsigned<D> du;
  const hn::RebindToSigned<D> di;
  const auto g = hn::And(hn::LoadU(d16, grad + i), hn::Set(d16, static_cast<std::uint16_t>(hn::GetLane(zero))));
  hn::Vec<D> v[kSlots > 0 ? kSlots : 1];
  for (int a = 0; a < kSlots; ++a) v[a] = hn::LoadU(d, s[static_cast<std::size_t>(a)] + i);
  if (master != nullptr) {
    const auto x = hn::Or(hn::LoadU(d, master + i), zero);
    hn::StoreU(x, d, master + i);
    hn::StoreU(hn::Or(hn::DemoteTo(d16, hn::BitCast(di, hn::ShiftRight<16>(hn::BitCast(du, x)))), g), d16, param + i);
  } else {
    hn::StoreU(hn::Or(hn::LoadU(d16, param + i), g), d16, param + i);
  }
  for (int a = 0; a < kSlots; ++a) hn::StoreU(hn::Or(v[a], zero), d, s[static_cast<std::size_t>(a)] + i);
}

template <int kSlots>
void MixedFloorRange(std::uint16_t* param, float* master, const std::array<float*, kMaxSlots>& s,
                     const std::uint16_t* grad, float zero, std::int64_t begin, std::int64_t end) {
  const hn::ScalableTag<float> d;
  const hn::CappedTag<float, 1> d1;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  std::int64_t i = begin;
  for (; i + lanes <= end; i += lanes) MixedFloorVector<kSlots>(d, param, master, s, grad, hn::Set(d, zero), i);
  for (; i < end; ++i) MixedFloorVector<kSlots>(d1, param, master, s, grad, hn::Set(d1, zero), i);
}

void MixedRuleFloor(std::uint16_t* param, float* master, float* const* slots, int count, const std::uint16_t* grad,
                    std::int64_t n, float zero) {
  std::array<float*, kMaxSlots> s{};
  for (int a = 0; a < count; ++a) s[static_cast<std::size_t>(a)] = slots[a];
  fast::parallel_for(n, kRuleGrain, [&](std::int64_t begin, std::int64_t end) {
    switch (count) {
      case 0: return MixedFloorRange<0>(param, master, s, grad, zero, begin, end);
      case 1: return MixedFloorRange<1>(param, master, s, grad, zero, begin, end);
      case 2: return MixedFloorRange<2>(param, master, s, grad, zero, begin, end);
      case 3: return MixedFloorRange<3>(param, master, s, grad, zero, begin, end);
      default: return MixedFloorRange<4>(param, master, s, grad, zero, begin, end);
    }
  });
}

}  // namespace gradref::bench::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "against_floor.hpp"
#include "gradref/fast/rules/mixed_precision.hpp"
#include "inputs.hpp"
#include "sizes.hpp"

namespace gradref::bench {

HWY_EXPORT(MixedRuleFloor);

namespace {

volatile int opaque_zero = 0;  // as in floors.cpp: the compiler cannot fold x | 0 away

/// bf16 values uniform in [low, high), rounded to nearest even from the float32 grid.
void fill_bfloat16(std::span<fast::bfloat16> x, double low, double high, std::uint64_t seed) {
  fast::parallel_for(static_cast<std::int64_t>(x.size()), 1 << 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const double u = static_cast<double>(hash_index(seed, static_cast<std::uint64_t>(i)) >> 40) * 0x1p-24;
      x[static_cast<std::size_t>(i)] = fast::to_bfloat16(static_cast<float>(low + (high - low) * u));
    }
  });
}

template <class Spec>
void mixed_against_floor(benchmark::State& state, const Spec& spec, std::int64_t n, bool with_master) {
  const std::size_t slots = spec::slots(spec).size();
  Array<fast::bfloat16> param(n), grad(n);
  fill_bfloat16(param.span(), -1.0, 1.0, 1);
  fill_bfloat16(grad.span(), -1e-2, 1e-2, 2);
  Array<float> master(with_master ? n : 1, -1.0, 1.0, 1);
  std::vector<Array<float>> state_arrays;
  state_arrays.reserve(slots);
  for (std::size_t s = 0; s < slots; ++s) state_arrays.emplace_back(n, 0.0, 1e-4, 3 + s);
  std::vector<float> scalars(spec::scalar_slots(spec).size(), 1.0f);
  fast::MixedRuleBuffers buffers{param.span(), grad.view(), {}, scalars, {}, 0};
  if (with_master) buffers.master = master.span();
  std::vector<float*> slot_pointers;
  for (auto& a : state_arrays) {
    buffers.slots.push_back(a.span());
    slot_pointers.push_back(a.data.get());
  }
  const std::int64_t s = static_cast<std::int64_t>(slots);
  const std::int64_t bytes_per_element = with_master ? 12 + 8 * s : 6 + 8 * s;
  const Work work{n, bytes_per_element * n, 0};
  const auto* param_bits = reinterpret_cast<std::uint16_t*>(param.data.get());
  const auto* grad_bits = reinterpret_cast<const std::uint16_t*>(grad.data.get());
  float* master_data = with_master ? master.data.get() : nullptr;
  against_floor(
      state, work, [&] { fast::step(spec, buffers); },
      [&] {
        HWY_DYNAMIC_DISPATCH(MixedRuleFloor)(const_cast<std::uint16_t*>(param_bits), master_data, slot_pointers.data(),
                                             static_cast<int>(slots), grad_bits, n, static_cast<float>(opaque_zero));
      });
}

template <class Spec>
void register_mixed(const std::string& rule, const Spec& spec) {
  for (const bool with_master : {false, true})
    for (const int log2 : {20, 22, 24, 26})
      benchmark::RegisterBenchmark(rule_name(rule, with_master ? "bf16_master" : "bf16", "fast", log2).c_str(),
                                   [spec, log2, with_master](benchmark::State& state) {
                                     mixed_against_floor(state, spec, std::int64_t{1} << log2, with_master);
                                   })
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
}

[[maybe_unused]] const bool registered = [] {
  register_mixed("adam", spec::Adam{});
  register_mixed("adamw", spec::AdamW{});
  spec::Sgd momentum;
  momentum.momentum = 0.9;
  register_mixed("sgd_momentum", momentum);
  register_mixed("lion", spec::Lion{});
  register_mixed("adagrad", spec::Adagrad{});
  return true;
}();

}  // namespace
}  // namespace gradref::bench
#endif  // HWY_ONCE
