// Fast Adam. Per element, in T, the reference's order (adam_impl.hpp):
//   g = ±grad [+ wd * theta]; m = b1 m + (1 - b1) g; v = b2 v + ((1 - b2) g) g;
//   [vmax = max(vmax, v)]; denom = sqrt(v) / sqrt(bc2) + eps  or  sqrt(v / bc2 + eps);
//   theta = theta - step_size * (m / denom)
// with true divisions and square roots (correctly rounded on every target); MulAdd
// may fuse a multiply into the following addition, which only removes a rounding.
// Several steps are fused per cache-sized chunk: elementwise, so the bits are those
// of stepping the whole array each time. Tails run through the same vector code on
// a padded copy, so an element's result never depends on where a range ends.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "rules/adam.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <cstring>

#include "gradref/fast/threads.hpp"
#include "rules/adam_job.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Elements per fused-steps chunk: param, m, v, vmax and one gradient of 4096 doubles
// stay within L2 across the steps.
constexpr std::int64_t kChunk = 4096;
// Below this many elements per thread, a thread costs more than it saves.
constexpr std::int64_t kGrain = 1 << 15;

template <class T, bool kDecay, bool kAmsgrad, bool kOutside>
void AdamRange(const AdamJob<T>& job, std::int64_t begin, std::int64_t end) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  const V beta1 = hn::Set(d, job.beta1), beta2 = hn::Set(d, job.beta2);
  const V c1 = hn::Set(d, job.one_minus_beta1), c2 = hn::Set(d, job.one_minus_beta2);
  const V eps = hn::Set(d, job.eps), wd = hn::Set(d, job.weight_decay);
  const V sign = hn::Set(d, job.maximize ? T(-0.0) : T(0.0));  // xor with -0 negates exactly

  for (std::int64_t chunk = begin; chunk < end; chunk += kChunk) {
    const std::int64_t chunk_end = std::min(end, chunk + kChunk);
    for (std::int64_t k = 0; k < job.steps; ++k) {
      const AdamStepScalars<T>& s = job.per_step[k];
      const V step_size = hn::Set(d, s.step_size), bc2_sqrt = hn::Set(d, s.bc2_sqrt), bc2 = hn::Set(d, s.bc2);
      const T* grad = job.grads + k * job.n;

      const auto update = [&](T* param, const T* g_in, T* exp_avg, T* exp_avg_sq, T* max_exp_avg_sq) {
        const V theta = hn::LoadU(d, param);
        V g = hn::Xor(hn::LoadU(d, g_in), sign);
        if constexpr (kDecay) g = hn::MulAdd(wd, theta, g);
        const V m = hn::MulAdd(beta1, hn::LoadU(d, exp_avg), hn::Mul(c1, g));
        const V v = hn::MulAdd(beta2, hn::LoadU(d, exp_avg_sq), hn::Mul(hn::Mul(c2, g), g));
        hn::StoreU(m, d, exp_avg);
        hn::StoreU(v, d, exp_avg_sq);
        V v_used = v;
        if constexpr (kAmsgrad) {
          v_used = hn::Max(hn::LoadU(d, max_exp_avg_sq), v);
          hn::StoreU(v_used, d, max_exp_avg_sq);
        }
        V denom;
        if constexpr (kOutside) {
          denom = hn::Add(hn::Div(hn::Sqrt(v_used), bc2_sqrt), eps);
        } else {
          denom = hn::Sqrt(hn::Add(hn::Div(v_used, bc2), eps));
        }
        hn::StoreU(hn::NegMulAdd(step_size, hn::Div(m, denom), theta), d, param);
      };

      std::int64_t i = chunk;
      for (; i + lanes <= chunk_end; i += lanes)
        update(job.param + i, grad + i, job.exp_avg + i, job.exp_avg_sq + i,
               kAmsgrad ? job.max_exp_avg_sq + i : nullptr);
      if (i < chunk_end) {
        const std::size_t bytes = static_cast<std::size_t>(chunk_end - i) * sizeof(T);
        HWY_ALIGN T p[hn::MaxLanes(d)] = {}, g[hn::MaxLanes(d)] = {}, m[hn::MaxLanes(d)] = {},
                    v[hn::MaxLanes(d)] = {}, vmax[hn::MaxLanes(d)] = {};
        std::memcpy(p, job.param + i, bytes);
        std::memcpy(g, grad + i, bytes);
        std::memcpy(m, job.exp_avg + i, bytes);
        std::memcpy(v, job.exp_avg_sq + i, bytes);
        if constexpr (kAmsgrad) std::memcpy(vmax, job.max_exp_avg_sq + i, bytes);
        update(p, g, m, v, vmax);
        std::memcpy(job.param + i, p, bytes);
        std::memcpy(job.exp_avg + i, m, bytes);
        std::memcpy(job.exp_avg_sq + i, v, bytes);
        if constexpr (kAmsgrad) std::memcpy(job.max_exp_avg_sq + i, vmax, bytes);
      }
    }
  }
}

template <class T, bool kDecay, bool kAmsgrad, bool kOutside>
void AdamParallel(const AdamJob<T>& job) {
  parallel_for(job.n, kGrain, [&job](std::int64_t begin, std::int64_t end) {
    AdamRange<T, kDecay, kAmsgrad, kOutside>(job, begin, end);
  });
}

template <class T, bool kDecay, bool kAmsgrad>
void AdamEps(const AdamJob<T>& job) {
  if (job.eps_outside) AdamParallel<T, kDecay, kAmsgrad, true>(job);
  else AdamParallel<T, kDecay, kAmsgrad, false>(job);
}

template <class T, bool kDecay>
void AdamAmsgrad(const AdamJob<T>& job) {
  if (job.amsgrad) AdamEps<T, kDecay, true>(job);
  else AdamEps<T, kDecay, false>(job);
}

template <class T>
void AdamRun(const AdamJob<T>& job) {
  if (job.decay) AdamAmsgrad<T, true>(job);
  else AdamAmsgrad<T, false>(job);
}

void AdamFloat(const AdamJob<float>& job) { AdamRun(job); }
void AdamDouble(const AdamJob<double>& job) { AdamRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>
#include <vector>

#include "dispatch_by_type.hpp"
#include "gradref/fast/rules/adam.hpp"

namespace gradref::fast {
namespace detail {

GRADREF_DISPATCH_FLOAT_DOUBLE(dispatch, AdamJob, AdamFloat, AdamDouble)

std::int64_t size_of(std::size_t n) { return static_cast<std::int64_t>(n); }

/// The reference's checks (spec::adam_steps) on the flat buffers: grads holds one
/// gradient ([n]) or a positive number of them ([steps, n]).
template <class T>
std::int64_t checked_steps(const spec::Adam& s, const AdamBuffers<T>& b) {
  const std::int64_t n = size_of(b.param.size()), g = size_of(b.grads.size());
  const Shape param{n};
  const Shape grad = g == n ? param : (n > 0 && g % n == 0 ? Shape{g / n, n} : Shape{g});
  const Shape max_exp_avg_sq{size_of(b.max_exp_avg_sq.size())};
  const bool missing = s.amsgrad && b.max_exp_avg_sq.empty() && n > 0;
  const std::int64_t steps =
      spec::adam_steps(s, param, grad, Shape{size_of(b.exp_avg.size())}, Shape{size_of(b.exp_avg_sq.size())},
                       s.amsgrad && !missing ? &max_exp_avg_sq : nullptr, b.step);
  if (!s.amsgrad && !b.max_exp_avg_sq.empty())
    throw InvalidInput(spec::Adam::op, "max_exp_avg_sq", "present", "no array when amsgrad is false");
  return steps;
}

}  // namespace detail

template <class T>
void adam(const spec::Adam& s, AdamBuffers<T>& b) {
  const std::int64_t steps = detail::checked_steps(s, b);
  std::vector<detail::AdamStepScalars<T>> per_step(static_cast<std::size_t>(steps));
  for (std::int64_t k = 0; k < steps; ++k) {
    const double t = static_cast<double>(b.step + k + 1);
    const double bc1 = s.bias_correction ? 1.0 - std::pow(s.beta1, t) : 1.0;
    const double bc2 = s.bias_correction ? 1.0 - std::pow(s.beta2, t) : 1.0;
    per_step[static_cast<std::size_t>(k)] = {static_cast<T>(s.lr / bc1), static_cast<T>(std::sqrt(bc2)),
                                             static_cast<T>(bc2)};
  }
  const detail::AdamJob<T> job{
      b.param.data(),
      b.grads.data(),
      b.exp_avg.data(),
      b.exp_avg_sq.data(),
      s.amsgrad ? b.max_exp_avg_sq.data() : nullptr,
      static_cast<std::int64_t>(b.param.size()),
      steps,
      per_step.data(),
      static_cast<T>(s.beta1),
      static_cast<T>(s.beta2),
      static_cast<T>(1.0 - s.beta1),
      static_cast<T>(1.0 - s.beta2),
      static_cast<T>(s.eps),
      static_cast<T>(s.weight_decay),
      s.maximize,
      s.weight_decay != 0,
      s.amsgrad,
      s.eps_placement == spec::EpsPlacement::outside};
  if (job.n > 0) detail::dispatch(job);
  b.step += steps;
}

template void adam<float>(const spec::Adam&, AdamBuffers<float>&);
template void adam<double>(const spec::Adam&, AdamBuffers<double>&);

}  // namespace gradref::fast
#endif  // HWY_ONCE
