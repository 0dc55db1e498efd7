// The vector passes of softmax cross-entropy over one block of a row (the blocks of
// spec::cross_entropy_block classes of reference/losses/cross_entropy_impl.hpp):
//   BlockExp:   the block's max, its first index, e_j = exp(z_j - max) stored, and the
//               sum of every e_j but the first max's; logits checked finite on the way
//               (infinities by the block's max and min, NaN by the sum)
//   ScaleBlock: x_j *= c over the block (the gradient pass of index targets)
// A block is read three times (max, first max, exp) while it sits in L1; only the
// first read goes further. The block's sum has the depth reduction.hpp allows for
// its length (fast::sum_depth): kAccumulators vector accumulators of 16 to 32 terms
// per lane, then a pairwise tree over the accumulators and over the lanes.
//
// Included by a Highway translation unit once per target (the toggle below is
// Highway's pattern for such headers).
#if defined(GRADREF_FAST_CROSS_ENTROPY_BLOCKS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GRADREF_FAST_CROSS_ENTROPY_BLOCKS_INL_H_
#undef GRADREF_FAST_CROSS_ENTROPY_BLOCKS_INL_H_
#else
#define GRADREF_FAST_CROSS_ENTROPY_BLOCKS_INL_H_
#endif

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "losses/vector_parts-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// exp(x) for x <= 0 (x = z - max). float: hn::Exp's range reduction constants and
/// polynomial (its 1 ULP), with two cheaper steps: n = round(x / ln 2) and 2^n both
/// come from one rounding constant added to x / ln 2 (no float-to-int conversion and
/// its overflow fix-up, one product by 2^n instead of two), and x is clamped at -88
/// instead of masked: there 2^n's bits are 0, and every result below the normal range
/// is within the smallest normal number of 0, which the error model allows. double:
/// hn::Exp.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ExpNonPositive(D d, V x) {
  using T = hn::TFromD<D>;
  if constexpr (sizeof(T) != 4) {
    return hn::Exp(d, x);
  } else {
    const hn::RebindToSigned<D> di;
    // 1.5 * 2^23 + 127: t = it + x / ln 2 is an integer (ulp 1 there), n + 127 in its
    // low bits, which shifted into the exponent field are 2^n (0 for n = -127).
    const V shifter = hn::Set(d, 12583039.0f);
    // A NaN must stay NaN (the caller finds NaN logits by the sum): x86's max returns
    // its second operand when one is NaN; the emulated targets' returns the other one.
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
    x = hn::IfThenElse(hn::Lt(x, hn::Set(d, -88.0f)), hn::Set(d, -88.0f), x);
#else
    x = hn::Max(hn::Set(d, -88.0f), x);
#endif
    const V t = hn::MulAdd(x, hn::Set(d, 1.442695040888963407359924681f), shifter);
    const V n = hn::Sub(t, shifter);
    V r = hn::MulAdd(n, hn::Set(d, -0.693145751953125f), x);  // hn::Exp's ln 2 in two parts
    r = hn::MulAdd(n, hn::Set(d, -1.428606765330187045e-6f), r);
    // exp(r) on |r| <= ln(2) / 2 by a degree-6 polynomial 1 + r + c2 r^2 + ... + c6 r^6
    // (Chebyshev fit of (exp(r) - 1 - r) / r^2, relative error 0.17 * 2^-24 before
    // rounding), in Horner's form: six FMAs.
    V p = hn::MulAdd(hn::Set(d, 0x1.6d127p-10f), r, hn::Set(d, 0x1.120cd4p-7f));
    p = hn::MulAdd(p, r, hn::Set(d, 0x1.555518p-5f));
    p = hn::MulAdd(p, r, hn::Set(d, 0x1.5554dcp-3f));
    p = hn::MulAdd(p, r, hn::Set(d, 0.5f));
    p = hn::MulAdd(p, r, hn::Set(d, 1.0f));
    p = hn::MulAdd(p, r, hn::Set(d, 1.0f));
    return hn::Mul(p, hn::BitCast(d, hn::ShiftLeft<23>(hn::BitCast(di, t))));
  }
}

/// What pass 1 leaves of one block.
template <class T>
struct BlockStats {
  T max = T(0);            ///< m_b
  T rest = T(0);           ///< r_b = sum of exp(z_j - m_b) over the block but its first max
  std::int64_t first = 0;  ///< i_b, an index in the row
  bool finite = true;      ///< every logit of the block finite (else the rest is meaningless)
};

/// Independent vector accumulators: at least 32 lanes in all, so that a block of
/// 1024 terms puts at most 32 in one lane (depth <= 31 + 5 + lanes - 1 < 63).
template <class D>
constexpr int kAccumulators = hn::MaxLanes(D()) >= 8 ? 4 : static_cast<int>(32 / hn::MaxLanes(D()));

/// Sum of the accumulators, pairwise (their count is a power of two).
template <class D, int K>
HWY_INLINE hn::Vec<D> PairwiseSum(hn::Vec<D> (&acc)[K]) {
  for (int width = K / 2; width >= 1; width /= 2)
    for (int k = 0; k < width; ++k) acc[k] = hn::Add(acc[k], acc[k + width]);
  return acc[0];
}

/// True if every one of the n values at x is finite (x * 0 is NaN exactly for
/// infinities and NaNs, and a NaN stays in the sum). For ignored rows.
template <class T>
bool AllFinite(const T* x, std::int64_t n) {
  const hn::ScalableTag<T> d;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  const auto zero = hn::Zero(d);
  auto acc = zero;
  std::int64_t j = 0;
  for (; j + lanes <= n; j += lanes) acc = hn::MulAdd(hn::LoadU(d, x + j), zero, acc);
  if (j < n) acc = hn::MulAdd(LoadPart(d, x + j, n - j, T(0)), zero, acc);
  return hn::AllFalse(d, hn::IsNaN(acc));
}

/// Pass 1 over the block z[lo, lo + n) of a row: writes e_j = exp(z_j - m_b) to
/// e[lo, lo + n) (e may be z itself: each vector is loaded before it is stored).
template <class T>
BlockStats<T> BlockExp(const T* z, T* e, std::int64_t lo, std::int64_t n) {
  const hn::ScalableTag<T> d;
  using D = decltype(d);
  using V = hn::Vec<D>;
  constexpr int K = kAccumulators<D>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d)), group = K * lanes;
  const T* x = z + lo;
  T* out = e + lo;
  const V zero = hn::Zero(d);
  BlockStats<T> stats;

  // Max and min (an infinity shows in one of them before anything is written; Max(v,
  // mx) and Min(v, mn) keep mx and mn when v is NaN, and a NaN shows in the sum below).
  V mx[K], mn[K];
  for (int k = 0; k < K; ++k) mx[k] = mn[k] = hn::Set(d, x[0]);
  std::int64_t j = 0;
  for (; j + group <= n; j += group)
    for (int k = 0; k < K; ++k) {
      const V v = hn::LoadU(d, x + j + k * lanes);
      mx[k] = hn::Max(v, mx[k]);
      mn[k] = hn::Min(v, mn[k]);
    }
  for (; j < n; j += lanes) {
    const V v = LoadPart(d, x + j, std::min(lanes, n - j), x[0]);
    mx[0] = hn::Max(v, mx[0]);
    mn[0] = hn::Min(v, mn[0]);
  }
  for (int k = 1; k < K; ++k) mx[0] = hn::Max(mx[0], mx[k]), mn[0] = hn::Min(mn[0], mn[k]);
  const T m = hn::GetLane(hn::MaxOfLanes(d, mx[0]));
  const T lowest = hn::GetLane(hn::MinOfLanes(d, mn[0]));
  if (!(m <= std::numeric_limits<T>::max() && lowest >= std::numeric_limits<T>::lowest())) {
    stats.finite = false;
    return stats;
  }
  const V mv = hn::Set(d, m);

  // Its first position (found: every value is finite and m is one of them).
  std::int64_t first = -1;
  for (j = 0; j + lanes <= n && first < 0; j += lanes) {
    const auto hit = hn::Eq(hn::LoadU(d, x + j), mv);
    if (!hn::AllFalse(d, hit)) first = j + static_cast<std::int64_t>(hn::FindFirstTrue(d, hit));
  }
  if (first < 0) {  // in the tail (the lanes past it hold x[0], not above m)
    const auto hit = hn::And(hn::Eq(LoadPart(d, x + j, n - j, x[0]), mv), hn::FirstN(d, static_cast<std::size_t>(n - j)));
    first = std::max<std::int64_t>(0, j + static_cast<std::int64_t>(hn::FindFirstTrue(d, hit)));
  }

  // e_j and the sum of all but e_first, which is left out of its vector's lane.
  const std::int64_t first_vector = first - first % lanes;
  const auto first_lane = hn::Eq(hn::Iota(d, T(0)), hn::Set(d, static_cast<T>(first - first_vector)));
  V acc[K];
  for (int k = 0; k < K; ++k) acc[k] = zero;
  const auto add = [&](std::int64_t at, V ej, V& a) {
    a = hn::Add(a, HWY_UNLIKELY(at == first_vector) ? hn::IfThenZeroElse(first_lane, ej) : ej);
  };
  for (j = 0; j + group <= n; j += group)
    for (int k = 0; k < K; ++k) {
      const std::int64_t at = j + k * lanes;
      const V ej = ExpNonPositive(d, hn::Sub(hn::LoadU(d, x + at), mv));
      hn::StoreU(ej, d, out + at);
      add(at, ej, acc[k]);
    }
  for (int k = 0; j < n; j += lanes, ++k) {  // fewer than K vectors are left
    const std::int64_t count = std::min(lanes, n - j);
    V ej = ExpNonPositive(d, hn::Sub(LoadPart(d, x + j, count, m), mv));
    if (count < lanes) ej = hn::IfThenElseZero(hn::FirstN(d, static_cast<std::size_t>(count)), ej);
    StorePart(d, ej, out + j, count);
    add(j, ej, acc[k]);
  }
  out[first] = T(1);  // exp(0), as the reference holds it
  stats.max = m;
  stats.rest = hn::GetLane(hn::SumOfLanes(d, PairwiseSum<D, K>(acc)));
  stats.first = lo + first;
  stats.finite = !std::isnan(stats.rest);  // a NaN logit: its e_j is NaN (x is, and the clamp keeps it)
  return stats;
}

/// x[j] *= c for j in [0, n).
template <class T>
void ScaleBlock(T* x, std::int64_t n, T c) {
  const hn::ScalableTag<T> d;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  const auto cv = hn::Set(d, c);
  std::int64_t j = 0;
  for (; j + lanes <= n; j += lanes) hn::StoreU(hn::Mul(hn::LoadU(d, x + j), cv), d, x + j);
  for (; j < n; ++j) x[j] = x[j] * c;
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GRADREF_FAST_CROSS_ENTROPY_BLOCKS_INL_H_
