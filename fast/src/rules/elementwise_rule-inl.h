// The loop every elementwise update rule shares, per Highway target: chunks of the
// arrays small enough to stay in L2 are stepped through all of the call's
// gradients before the next chunk is touched (elementwise, so the bits are those of
// stepping the whole array each time), threads take contiguous ranges of a static
// partition (cut by rules/rule_dispatch.hpp, possibly across several tensors), and a range's tail runs through the same vector code on a padded copy
// so an element's result never depends on where a range ends.
//
// A rule supplies a Kernel:
//   using Params = ...;                               // one per step (rule_job.hpp)
//   template <class D> struct Consts {...};            // Params as vectors
//   template <class D> static Consts<D> load(D, const Params&);
//   template <class D> static void update(D, const Consts<D>&, const Params&, Vec<D>* x, Vec<D> g);
// where x[0] is theta and x[1..] the state slots, updated in place. A Kernel that
// always steps the same number of arrays may say so,
//   static constexpr int kArrays = ...;               // param plus its slots
// which lets the compiler keep x in registers (the loop over arrays unrolls).
#if defined(GRADREF_FAST_RULES_ELEMENTWISE_RULE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GRADREF_FAST_RULES_ELEMENTWISE_RULE_INL_H_
#undef GRADREF_FAST_RULES_ELEMENTWISE_RULE_INL_H_
#else
#define GRADREF_FAST_RULES_ELEMENTWISE_RULE_INL_H_
#endif

#include <hwy/highway.h>

#include <algorithm>
#include <cstring>

#include "rules/rule_job.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// Elements per fused-steps chunk: five arrays and one gradient of 4096 doubles
/// stay within L2 across the steps.
constexpr std::int64_t kRuleChunk = 4096;

/// Kernel::kArrays when the kernel declares it, else 0 (the job's count, at run time).
template <class Kernel>
constexpr int FixedArrays() {
  if constexpr (requires { Kernel::kArrays; }) return Kernel::kArrays;
  return 0;
}

template <class Kernel, class T>
void RuleRange(const RuleJob<T, typename Kernel::Params>& job, std::int64_t begin, std::int64_t end) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  const V sign = hn::Set(d, job.maximize ? T(-0.0) : T(0.0));  // xor with -0 negates exactly
  constexpr int kFixed = FixedArrays<Kernel>();
  const int count = kFixed > 0 ? kFixed : job.count;
  // Local copies: vector stores may alias anything, so pointers and parameters read
  // through `job` would be reloaded after every store.
  const std::array<T*, kMaxRuleArrays> arrays = job.arrays;

  for (std::int64_t chunk = begin; chunk < end; chunk += kRuleChunk) {
    const std::int64_t chunk_end = std::min(end, chunk + kRuleChunk);
    for (std::int64_t k = 0; k < job.steps; ++k) {
      const typename Kernel::Params params = job.per_step[k];
      const auto consts = Kernel::load(d, params);
      const T* grad = job.grads + k * job.n;
      // One vector of every array at `at` (pointers offset by `offset`).
      const auto update = [&](T* const* arrays, const T* g_in, std::int64_t offset) {
        V x[kMaxRuleArrays];
        for (int a = 0; a < count; ++a) x[a] = hn::LoadU(d, arrays[a] + offset);
        Kernel::update(d, consts, params, x, hn::Xor(hn::LoadU(d, g_in + offset), sign));
        for (int a = 0; a < count; ++a) hn::StoreU(x[a], d, arrays[a] + offset);
      };
      std::int64_t i = chunk;
      for (; i + lanes <= chunk_end; i += lanes) update(arrays.data(), grad, i);
      if (i < chunk_end) {
        const std::size_t bytes = static_cast<std::size_t>(chunk_end - i) * sizeof(T);
        HWY_ALIGN T padded[kMaxRuleArrays][hn::MaxLanes(d)] = {};
        HWY_ALIGN T g[hn::MaxLanes(d)] = {};
        T* rows[kMaxRuleArrays] = {};
        for (int a = 0; a < count; ++a) {
          rows[a] = padded[a];
          std::memcpy(padded[a], job.arrays[static_cast<std::size_t>(a)] + i, bytes);
        }
        std::memcpy(g, grad + i, bytes);
        update(rows, g, 0);
        for (int a = 0; a < count; ++a) std::memcpy(job.arrays[static_cast<std::size_t>(a)] + i, padded[a], bytes);
      }
    }
  }
}

/// Steps the job's [begin, end): one thread's piece of one tensor (threads and the
/// list of tensors are the caller's, rules/rule_dispatch.hpp), so one instantiation
/// per kernel serves single- and multi-tensor calls alike.
template <class Kernel, class T>
void RunRule(const RuleJob<T, typename Kernel::Params>& job) {
  RuleRange<Kernel, T>(job, job.begin, job.end);
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // include guard toggled per target
