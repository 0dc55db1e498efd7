// Fast softmax and log-softmax with their vector-Jacobian products, in the
// reference's order (softmax_impl.hpp). Per row along dim, with m the max, e = exp(z - m)
// and the ties at the max (z = m) masked apart:
//   1. m = max_k z_k; softmax also finds g_p, the cotangent at the first tie
//   2. e_k, kept in output (softmax) or grad_input (log_softmax); t = number of ties;
//      in blocks of sum_block, pairwise over blocks: R = sum e_k below the max and
//      softmax: H = sum_ties (g_k - g_p), X = sum_below (g_k - g_p) * e_k
//      log_softmax: Gt = sum_ties g_k, Gl = sum_below g_k
//   3. inv = 1 / (t + R); softmax writes y = e * inv and y * (((t h - H) + (h R - X)) * inv);
//      log_softmax, with L = log1p(R) (t = 1) or log1p((t - 1) + R), writes
//      (z - m) - L and ((t g - Gt) + (g R - Gl)) * inv at the ties, g - (e * inv) * G below.
// Contiguous rows (inner = 1) are vectorized along the row. Strided rows are
// vectorized across up to one vector of neighbouring rows: lane l of the vector at
// row position j holds element j of row (o, i0 + l), so each lane runs the scalar
// row's operations on its own row, with its own blocked-pairwise sums. Lanes past the
// last row read zeros, a valid row whose results are dropped. A row and its outputs
// stay in cache between passes for rows of vocabulary size, so keeping e costs less
// than computing exp twice. Partitions depend only on the shape and the target, never
// on the thread count.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/softmax.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gradref/fast/threads.hpp"
#include "losses/softmax_job.hpp"
#include "pairwise.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Below this many elements per thread, a thread costs more than it saves.
constexpr std::int64_t kGrainElements = 1 << 15;

/// The three masked sums of a row (or of one row per lane), added pairwise over blocks.
template <class S>
struct RowSums {
  S below;  ///< R
  S ties;   ///< H (softmax) or Gt (log_softmax)
  S rest;   ///< X (softmax) or Gl (log_softmax)
};
/// For scalars and for Highway vectors (which define + on every x86 target).
template <class S>
RowSums<S> operator+(const RowSums<S>& x, const RowSums<S>& y) {
  return {x.below + y.below, x.ties + y.ties, x.rest + y.rest};
}

/// `count` values at p (count < one vector, or a whole vector), the other lanes `pad`.
template <class D, class T = hn::TFromD<D>>
hn::Vec<D> LoadPadded(D d, const T* p, std::int64_t count, T pad) {
  if (count == static_cast<std::int64_t>(hn::Lanes(d))) return hn::LoadU(d, p);
  HWY_ALIGN T buf[hn::MaxLanes(d)];
  std::fill(buf, buf + hn::MaxLanes(d), pad);
  std::memcpy(buf, p, static_cast<std::size_t>(count) * sizeof(T));
  return hn::Load(d, buf);
}

/// Stores the first `count` lanes of v at p.
template <class D, class T = hn::TFromD<D>>
void StorePartial(D d, hn::Vec<D> v, T* p, std::int64_t count) {
  if (count == static_cast<std::int64_t>(hn::Lanes(d))) return hn::StoreU(v, d, p);
  HWY_ALIGN T buf[hn::MaxLanes(d)];
  hn::Store(v, d, buf);
  std::memcpy(p, buf, static_cast<std::size_t>(count) * sizeof(T));
}

/// One contiguous row of n values at offset `first`.
template <class T>
void ContiguousRow(const SoftmaxJob<T>& job, std::int64_t first) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d)), n = job.extent;
  const T* z = job.input + first;
  const T* g = job.grad_output + first;
  T* out = job.output + first;
  T* grad = job.grad_input + first;
  T* kept = job.log ? grad : out;  // e_k until pass 3

  V vmax = hn::Set(d, z[0]);
  for (std::int64_t j = 0; j < n; j += lanes) vmax = hn::Max(vmax, LoadPadded(d, z + j, std::min(lanes, n - j), z[0]));
  const T m = hn::GetLane(hn::MaxOfLanes(d, vmax));
  const V vm = hn::Set(d, m);
  const T g_p = job.log ? T(0) : g[std::find(z, z + n, m) - z];
  const V vg_p = hn::Set(d, g_p);

  // Pass 2. sum_block is a multiple of every lane count, so only a row's last block has a tail.
  std::int64_t ties = 0;
  const RowSums<T> sums = pairwise_blocks<RowSums<T>>(0, block_count(n), [&](std::int64_t block) {
    const std::int64_t end = std::min(n, (block + 1) * sum_block);
    V below = hn::Zero(d), on_ties = hn::Zero(d), rest = hn::Zero(d);
    for (std::int64_t j = block * sum_block; j < end; j += lanes) {
      const std::int64_t count = std::min(lanes, end - j);
      const V zv = LoadPadded(d, z + j, count, m), gv = LoadPadded(d, g + j, count, T(0));
      const V e = hn::Exp(d, hn::Sub(zv, vm));
      StorePartial(d, e, kept + j, count);
      const auto valid = hn::FirstN(d, static_cast<std::size_t>(count));
      const auto tie = hn::And(hn::Eq(zv, vm), valid), other = hn::AndNot(tie, valid);
      ties += static_cast<std::int64_t>(hn::CountTrue(d, tie));
      below = hn::Add(below, hn::IfThenElseZero(other, e));
      const V x = job.log ? gv : hn::Sub(gv, vg_p);
      on_ties = hn::Add(on_ties, hn::IfThenElseZero(tie, x));
      rest = hn::Add(rest, hn::IfThenElseZero(other, job.log ? x : hn::Mul(x, e)));
    }
    return RowSums<T>{hn::GetLane(hn::SumOfLanes(d, below)), hn::GetLane(hn::SumOfLanes(d, on_ties)),
                      hn::GetLane(hn::SumOfLanes(d, rest))};
  });

  const T t = static_cast<T>(ties);
  const T inv = T(1) / (t + sums.below);
  const V vt = hn::Set(d, t), vinv = hn::Set(d, inv), vr = hn::Set(d, sums.below);
  const V vties = hn::Set(d, sums.ties), vrest = hn::Set(d, sums.rest);
  if (!job.log) {
    for (std::int64_t j = 0; j < n; j += lanes) {
      const std::int64_t count = std::min(lanes, n - j);
      const V e = LoadPadded(d, out + j, count, T(0)), h = hn::Sub(LoadPadded(d, g + j, count, T(0)), vg_p);
      const V y = hn::Mul(e, vinv);
      const V c = hn::Mul(hn::Add(hn::Sub(hn::Mul(vt, h), vties), hn::Sub(hn::Mul(h, vr), vrest)), vinv);
      StorePartial(d, y, out + j, count);
      StorePartial(d, hn::Mul(y, c), grad + j, count);
    }
    return;
  }
  const T log_total = std::log1p(ties == 1 ? sums.below : static_cast<T>(ties - 1) + sums.below);
  const V vlog = hn::Set(d, log_total), vtotal = hn::Set(d, sums.ties + sums.rest);
  for (std::int64_t j = 0; j < n; j += lanes) {
    const std::int64_t count = std::min(lanes, n - j);
    const V zv = LoadPadded(d, z + j, count, m), gv = LoadPadded(d, g + j, count, T(0));
    const V e = LoadPadded(d, grad + j, count, T(0));
    const V at_ties = hn::Mul(hn::Add(hn::Sub(hn::Mul(vt, gv), vties), hn::Sub(hn::Mul(gv, vr), vrest)), vinv);
    const V below = hn::Sub(gv, hn::Mul(hn::Mul(e, vinv), vtotal));
    StorePartial(d, hn::Sub(hn::Sub(zv, vm), vlog), out + j, count);
    StorePartial(d, hn::IfThenElse(hn::Eq(zv, vm), at_ties, below), grad + j, count);
  }
}

/// `count` (<= one vector) neighbouring strided rows starting at offset `first`.
template <class T>
void StridedRows(const SoftmaxJob<T>& job, std::int64_t first, std::int64_t count) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  constexpr std::size_t kMaxLanes = hn::MaxLanes(d);
  const std::int64_t n = job.extent, stride = job.inner;
  const T* z = job.input + first;
  const T* g = job.grad_output + first;
  T* out = job.output + first;
  T* grad = job.grad_input + first;
  T* kept = job.log ? grad : out;
  const auto at = [stride](std::int64_t j) { return j * stride; };

  V vm = LoadPadded(d, z, count, T(0));
  for (std::int64_t j = 1; j < n; ++j) vm = hn::Max(vm, LoadPadded(d, z + at(j), count, T(0)));
  // Each lane's cotangent at its first tie; padding lanes tie at j = 0.
  V vg_p = hn::Zero(d);
  if (!job.log) {
    auto found = hn::FirstN(d, 0);
    for (std::int64_t j = 0; j < n && !hn::AllTrue(d, found); ++j) {
      const auto hit = hn::AndNot(found, hn::Eq(LoadPadded(d, z + at(j), count, T(0)), vm));
      vg_p = hn::IfThenElse(hit, LoadPadded(d, g + at(j), count, T(0)), vg_p);
      found = hn::Or(found, hit);
    }
  }

  // Ties are counted per block in T (at most sum_block, exact) and added up in int64.
  std::int64_t ties[kMaxLanes] = {};
  const RowSums<V> sums = pairwise_blocks<RowSums<V>>(0, block_count(n), [&](std::int64_t block) {
    const std::int64_t end = std::min(n, (block + 1) * sum_block);
    const V one = hn::Set(d, T(1));
    V below = hn::Zero(d), on_ties = hn::Zero(d), rest = hn::Zero(d), tie_count = hn::Zero(d);
    for (std::int64_t j = block * sum_block; j < end; ++j) {
      const V zv = LoadPadded(d, z + at(j), count, T(0)), gv = LoadPadded(d, g + at(j), count, T(0));
      const V e = hn::Exp(d, hn::Sub(zv, vm));
      StorePartial(d, e, kept + at(j), count);
      const auto tie = hn::Eq(zv, vm);
      tie_count = hn::Add(tie_count, hn::IfThenElseZero(tie, one));
      below = hn::Add(below, hn::IfThenZeroElse(tie, e));
      const V x = job.log ? gv : hn::Sub(gv, vg_p);
      on_ties = hn::Add(on_ties, hn::IfThenElseZero(tie, x));
      rest = hn::Add(rest, hn::IfThenZeroElse(tie, job.log ? x : hn::Mul(x, e)));
    }
    HWY_ALIGN T block_ties[kMaxLanes];
    hn::Store(tie_count, d, block_ties);
    for (std::size_t l = 0; l < hn::Lanes(d); ++l) ties[l] += static_cast<std::int64_t>(block_ties[l]);
    return RowSums<V>{below, on_ties, rest};
  });

  // Per lane: t, and for log_softmax L = log1p(R) (t = 1) or log1p((t - 1) + R).
  HWY_ALIGN T lane_t[kMaxLanes], lane_log[kMaxLanes];
  HWY_ALIGN T lane_below[kMaxLanes];
  hn::Store(sums.below, d, lane_below);
  for (std::size_t l = 0; l < hn::Lanes(d); ++l) {
    lane_t[l] = static_cast<T>(ties[l]);
    if (job.log) lane_log[l] = std::log1p(ties[l] == 1 ? lane_below[l] : static_cast<T>(ties[l] - 1) + lane_below[l]);
  }
  const V vt = hn::Load(d, lane_t);
  const V vinv = hn::Div(hn::Set(d, T(1)), hn::Add(vt, sums.below));
  if (!job.log) {
    for (std::int64_t j = 0; j < n; ++j) {
      const V e = LoadPadded(d, out + at(j), count, T(0));
      const V h = hn::Sub(LoadPadded(d, g + at(j), count, T(0)), vg_p);
      const V y = hn::Mul(e, vinv);
      const V c = hn::Mul(hn::Add(hn::Sub(hn::Mul(vt, h), sums.ties), hn::Sub(hn::Mul(h, sums.below), sums.rest)), vinv);
      StorePartial(d, y, out + at(j), count);
      StorePartial(d, hn::Mul(y, c), grad + at(j), count);
    }
    return;
  }
  const V vlog = hn::Load(d, lane_log), vtotal = hn::Add(sums.ties, sums.rest);
  for (std::int64_t j = 0; j < n; ++j) {
    const V zv = LoadPadded(d, z + at(j), count, T(0)), gv = LoadPadded(d, g + at(j), count, T(0));
    const V e = LoadPadded(d, grad + at(j), count, T(0));
    const V at_ties =
        hn::Mul(hn::Add(hn::Sub(hn::Mul(vt, gv), sums.ties), hn::Sub(hn::Mul(gv, sums.below), sums.rest)), vinv);
    const V below = hn::Sub(gv, hn::Mul(hn::Mul(e, vinv), vtotal));
    StorePartial(d, hn::Sub(hn::Sub(zv, vm), vlog), out + at(j), count);
    StorePartial(d, hn::IfThenElse(hn::Eq(zv, vm), at_ties, below), grad + at(j), count);
  }
}

template <class T>
void SoftmaxRun(const SoftmaxJob<T>& job) {
  const std::int64_t n = job.extent;
  if (job.inner == 1) {
    parallel_for(job.outer, std::max<std::int64_t>(1, kGrainElements / n), [&job, n](std::int64_t begin, std::int64_t end) {
      for (std::int64_t o = begin; o < end; ++o) ContiguousRow(job, o * n);
    });
    return;
  }
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(hn::ScalableTag<T>()));
  const std::int64_t groups = (job.inner + lanes - 1) / lanes, items = job.outer * groups;
  parallel_for(items, std::max<std::int64_t>(1, kGrainElements / (n * lanes)),
               [&job, n, lanes, groups](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t item = begin; item < end; ++item) {
                   const std::int64_t o = item / groups, i = item % groups * lanes;
                   StridedRows(job, o * n * job.inner + i, std::min(lanes, job.inner - i));
                 }
               });
}

void SoftmaxFloat(const SoftmaxJob<float>& job) { SoftmaxRun(job); }
void SoftmaxDouble(const SoftmaxJob<double>& job) { SoftmaxRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <string>

#include "gradref/fast/losses/softmax.hpp"

namespace gradref::fast {
namespace detail {

HWY_EXPORT(SoftmaxFloat);
HWY_EXPORT(SoftmaxDouble);

void dispatch(const SoftmaxJob<float>& job) { HWY_DYNAMIC_DISPATCH(SoftmaxFloat)(job); }
void dispatch(const SoftmaxJob<double>& job) { HWY_DYNAMIC_DISPATCH(SoftmaxDouble)(job); }

template <class T>
void run_softmax(const char* op, std::int64_t dim, bool log, const Shape& shape, std::span<const T> input,
                 std::span<const T> grad_output, std::span<T> output, std::span<T> grad_input) {
  const spec::SoftmaxLayout layout = spec::softmax_layout(op, dim, shape, shape);
  const std::int64_t n = element_count(shape);
  const auto require_size = [op, n](const char* field, std::size_t actual) {
    if (static_cast<std::int64_t>(actual) != n)
      throw InvalidInput(op, field, std::to_string(actual), "the element count of the shape = " + std::to_string(n));
  };
  require_size("input.size", input.size());
  require_size("grad_output.size", grad_output.size());
  require_size("output.size", output.size());
  require_size("grad_input.size", grad_input.size());
  spec::check_softmax_values(op, input, grad_output, [](T x) { return spec::format_double(x); });
  dispatch(SoftmaxJob<T>{input.data(), grad_output.data(), output.data(), grad_input.data(), layout.outer,
                         layout.extent, layout.inner, log});
}

}  // namespace detail

template <class T>
void softmax(const spec::Softmax& s, const Shape& shape, std::span<const T> input, std::span<const T> grad_output,
             std::span<T> output, std::span<T> grad_input) {
  spec::validate(s);
  detail::run_softmax(spec::Softmax::op, s.dim, false, shape, input, grad_output, output, grad_input);
}

template <class T>
void log_softmax(const spec::LogSoftmax& s, const Shape& shape, std::span<const T> input,
                 std::span<const T> grad_output, std::span<T> output, std::span<T> grad_input) {
  spec::validate(s);
  detail::run_softmax(spec::LogSoftmax::op, s.dim, true, shape, input, grad_output, output, grad_input);
}

template void softmax<float>(const spec::Softmax&, const Shape&, std::span<const float>, std::span<const float>,
                             std::span<float>, std::span<float>);
template void softmax<double>(const spec::Softmax&, const Shape&, std::span<const double>, std::span<const double>,
                              std::span<double>, std::span<double>);
template void log_softmax<float>(const spec::LogSoftmax&, const Shape&, std::span<const float>,
                                 std::span<const float>, std::span<float>, std::span<float>);
template void log_softmax<double>(const spec::LogSoftmax&, const Shape&, std::span<const double>,
                                  std::span<const double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
