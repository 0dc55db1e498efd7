// Fast Gaussian negative log-likelihood, per element in the reference's order
// (gaussian_nll_impl.hpp):
//   d = x - y; v = max(var, eps) (or sigma^2); g = d / v; q = g * d
//   loss = 0.5 * (Log(v) + q) [+ c]; grad_input = g [* 1 / n]; grad_target = -grad_input
//   grad_var = ((1 - q) / v) * h, and 0 where var < live_from under grad_var_below_eps = zero
// Blocks of sum_block elements in parallel over a static partition; in each block
// one vector pass and the block's loss sum (lanes, then across lanes: any order
// inside a block, as reduction.hpp allows). A block's tail runs through the same
// vector code on a padded copy (var 1, so no lane divides by 0), masked out of the
// sum, so an element's result never depends on where a block or a thread's range
// ends. Its own driver rather than pointwise_loss-inl.h's, which takes two inputs.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/gaussian_nll.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <cstring>

#include "gradref/fast/threads.hpp"
#include "losses/gaussian_nll_job.hpp"
#include "pairwise.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace {

// Below this many elements per thread, a thread costs more than it saves.
constexpr std::int64_t kGrainElements = 1 << 14;

template <class T>
void Block(const GaussianNllJob<T>& job, std::int64_t block) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  constexpr std::size_t kMax = hn::MaxLanes(d);
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  const std::int64_t begin = block * sum_block, end = std::min(job.n, begin + sum_block);
  const V one = hn::Set(d, T(1)), half = hn::Set(d, T(0.5)), scale = hn::Set(d, job.scale),
          half_scale = hn::Set(d, job.half_scale), eps = hn::Set(d, job.eps), live_from = hn::Set(d, job.live_from),
          fixed_v = hn::Set(d, job.fixed_v), c = hn::Set(d, job.half_log_two_pi);
  const bool keep = job.loss != nullptr, learned = job.var != nullptr;
  V acc = hn::Zero(d);

  // Elements [i, i + valid) from x, y, w (var; unused when fixed); results to loss (if kept), gi, gt, gv.
  const auto step = [&](const T* x, const T* y, const T* w, T* loss, T* gi, T* gt, T* gv, std::int64_t valid) {
    const V diff = hn::Sub(hn::LoadU(d, x), hn::LoadU(d, y));
    const V var = learned ? hn::LoadU(d, w) : fixed_v;
    const V v = learned ? hn::Max(var, eps) : fixed_v;
    const V g = hn::Div(diff, v);
    const V q = hn::Mul(g, diff);
    V l = hn::Mul(half, hn::Add(hn::Log(d, v), q));
    if (job.full) l = hn::Add(l, c);
    const V grad = job.scaled ? hn::Mul(g, scale) : g;
    if (keep) hn::StoreU(l, d, loss);
    hn::StoreU(grad, d, gi);
    hn::StoreU(hn::Neg(grad), d, gt);
    if (learned) {
      V grad_var = hn::Mul(hn::Div(hn::Sub(one, q), v), half_scale);
      if (job.zero_below_eps) grad_var = hn::IfThenElseZero(hn::Ge(var, live_from), grad_var);
      hn::StoreU(grad_var, d, gv);
    }
    acc = hn::Add(acc, valid == lanes ? l : hn::IfThenElseZero(hn::FirstN(d, static_cast<std::size_t>(valid)), l));
  };

  std::int64_t i = begin;
  for (; i + lanes <= end; i += lanes)
    step(job.input + i, job.target + i, learned ? job.var + i : nullptr, keep ? job.loss + i : nullptr,
         job.grad_input + i, job.grad_target + i, learned ? job.grad_var + i : nullptr, lanes);
  if (i < end) {
    const std::int64_t valid = end - i;
    const std::size_t bytes = static_cast<std::size_t>(valid) * sizeof(T);
    HWY_ALIGN T x[kMax] = {}, y[kMax] = {}, w[kMax], loss[kMax] = {}, gi[kMax] = {}, gt[kMax] = {}, gv[kMax] = {};
    std::fill(w, w + kMax, T(1));
    std::memcpy(x, job.input + i, bytes);
    std::memcpy(y, job.target + i, bytes);
    if (learned) std::memcpy(w, job.var + i, bytes);
    step(x, y, w, loss, gi, gt, gv, valid);
    if (keep) std::memcpy(job.loss + i, loss, bytes);
    std::memcpy(job.grad_input + i, gi, bytes);
    std::memcpy(job.grad_target + i, gt, bytes);
    if (learned) std::memcpy(job.grad_var + i, gv, bytes);
  }
  if (!keep) job.block_sums[block] = hn::GetLane(hn::SumOfLanes(d, acc));
}

template <class T>
void Run(const GaussianNllJob<T>& job) {
  parallel_for(block_count(job.n), std::max<std::int64_t>(1, kGrainElements / sum_block),
               [&job](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t block = begin; block < end; ++block) Block(job, block);
               });
}

}  // namespace

void GaussianNllFloat(const GaussianNllJob<float>& job) { Run(job); }
void GaussianNllDouble(const GaussianNllJob<double>& job) { Run(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>
#include <limits>
#include <vector>

#include "gradref/fast/losses/gaussian_nll.hpp"
#include "losses/pointwise_loss.hpp"

namespace gradref::fast {
namespace detail {
namespace {

HWY_EXPORT(GaussianNllFloat);
HWY_EXPORT(GaussianNllDouble);

void dispatch_gaussian_nll(const GaussianNllJob<float>& job) { HWY_DYNAMIC_DISPATCH(GaussianNllFloat)(job); }
void dispatch_gaussian_nll(const GaussianNllJob<double>& job) { HWY_DYNAMIC_DISPATCH(GaussianNllDouble)(job); }

// 0.5 log(2 pi); the literal rounds correctly to double.
constexpr double kHalfLogTwoPi = 0.91893853320467274178032973640561763986139747363778;

}  // namespace
}  // namespace detail

template <class T>
void gaussian_nll(const spec::GaussianNll& s, const Shape& shape, std::span<const T> input, std::span<const T> target,
                  std::span<const T> var, std::span<T> loss, std::span<T> grad_input, std::span<T> grad_target,
                  std::span<T> grad_var) {
  using spec::GaussianNll;
  validate(s);
  const bool learned = s.variance == spec::Variance::input;
  const std::int64_t n = spec::gaussian_nll_size(s, shape, shape, learned ? &shape : nullptr);
  const bool none = s.reduction == spec::Reduction::none, mean = s.reduction == spec::Reduction::mean;
  detail::require_buffer(GaussianNll::op, "input.size", input.size(), n, "the element count of the shape");
  detail::require_buffer(GaussianNll::op, "target.size", target.size(), n, "the element count of the shape");
  detail::require_buffer(GaussianNll::op, "var.size", var.size(), learned ? n : 0,
                         learned ? "the element count of the shape" : "0 when variance is fixed");
  detail::require_buffer(GaussianNll::op, "loss.size", loss.size(), none ? n : 1,
                         none ? "the element count for reduction none" : "1 for reduction sum or mean");
  detail::require_buffer(GaussianNll::op, "grad_input.size", grad_input.size(), n, "the element count");
  detail::require_buffer(GaussianNll::op, "grad_target.size", grad_target.size(), n, "the element count");
  detail::require_buffer(GaussianNll::op, "grad_var.size", grad_var.size(), learned ? n : 0,
                         learned ? "the element count" : "0 when variance is fixed");
  spec::check_gaussian_nll_values(s, input, target, var,
                                  [](T x) { return spec::format_double(static_cast<double>(x)); });

  detail::GaussianNllJob<T> job{};
  std::vector<T> block_sums(none ? 0 : static_cast<std::size_t>(detail::block_count(n)));
  job.input = input.data();
  job.target = target.data();
  job.var = learned ? var.data() : nullptr;
  job.loss = none ? loss.data() : nullptr;
  job.block_sums = none ? nullptr : block_sums.data();
  job.grad_input = grad_input.data();
  job.grad_target = grad_target.data();
  job.grad_var = learned ? grad_var.data() : nullptr;
  job.n = n;
  job.scale = static_cast<T>(1.0 / static_cast<double>(n));
  job.scaled = mean;
  job.half_scale = static_cast<T>(mean ? 0.5 / static_cast<double>(n) : 0.5);
  job.eps = static_cast<T>(s.eps);
  job.live_from = job.eps;
  if (static_cast<double>(job.live_from) < s.eps) job.live_from = std::nextafter(job.live_from, std::numeric_limits<T>::infinity());
  job.zero_below_eps = s.grad_var_below_eps == spec::GradVarBelowEps::zero;
  job.fixed_v = static_cast<T>(s.sigma * s.sigma);
  job.full = s.full;
  job.half_log_two_pi = static_cast<T>(detail::kHalfLogTwoPi);
  detail::dispatch_gaussian_nll(job);
  if (none) return;
  T total = detail::pairwise_blocks<T>(0, detail::block_count(n), [&block_sums](std::int64_t b) {
    return block_sums[static_cast<std::size_t>(b)];
  });
  if (mean) total = total / static_cast<T>(n);
  loss[0] = total;
}

template void gaussian_nll<float>(const spec::GaussianNll&, const Shape&, std::span<const float>,
                                  std::span<const float>, std::span<const float>, std::span<float>, std::span<float>,
                                  std::span<float>, std::span<float>);
template void gaussian_nll<double>(const spec::GaussianNll&, const Shape&, std::span<const double>,
                                   std::span<const double>, std::span<const double>, std::span<double>,
                                   std::span<double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
