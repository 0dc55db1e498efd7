// Per-target pass over rows of a product: s[r, :] += b, in whole vectors and a
// tail through the same vector code on a zero-padded copy (so an element's result
// never depends on where the row ends). The activation pass of mlp builds on it.
//
// Included once per target (the toggle below is Highway's pattern for such headers).
#if defined(GRADREF_FAST_BIAS_ROWS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GRADREF_FAST_BIAS_ROWS_INL_H_
#undef GRADREF_FAST_BIAS_ROWS_INL_H_
#else
#define GRADREF_FAST_BIAS_ROWS_INL_H_
#endif

#include <hwy/highway.h>

#include <array>
#include <cstdint>
#include <cstring>

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// For each row r in [begin, end) and column c < width: step(d, &in[k][r, c]..., &out[k][r, c]...)
/// on one vector of columns, through `step(d, in_ptrs, out_ptrs)` with pointers into
/// rows (or into padded copies for a row's tail). `row_in` are row-major [rows, width]
/// arrays, `shared_in` are [width] vectors shared by every row (the bias); a null
/// pointer stays null.
/// ForEachBlockVector does the same on the columns [col_begin, col_end) of rows of
/// `stride` elements (a block of a product split by columns); an element's result is
/// the same whichever block it is in.
template <class T, std::size_t kRowIn, std::size_t kShared, std::size_t kOut, class Step>
void ForEachBlockVector(std::int64_t begin, std::int64_t end, std::int64_t col_begin, std::int64_t col_end,
                        std::int64_t stride, const std::array<const T*, kRowIn>& row_in,
                        const std::array<const T*, kShared>& shared_in, const std::array<T*, kOut>& out,
                        const Step& step) {
  const hn::ScalableTag<T> d;
  constexpr std::size_t kMax = hn::MaxLanes(d);
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  std::array<const T*, kRowIn + kShared> in;
  std::array<T*, kOut> o;
  for (std::int64_t r = begin; r < end; ++r) {
    std::int64_t c = col_begin;
    for (; c + lanes <= col_end; c += lanes) {
      for (std::size_t k = 0; k < kRowIn; ++k) in[k] = row_in[k] ? row_in[k] + r * stride + c : nullptr;
      for (std::size_t k = 0; k < kShared; ++k) in[kRowIn + k] = shared_in[k] ? shared_in[k] + c : nullptr;
      for (std::size_t k = 0; k < kOut; ++k) o[k] = out[k] ? out[k] + r * stride + c : nullptr;
      step(d, in, o);
    }
    if (c < col_end) {
      const std::size_t bytes = static_cast<std::size_t>(col_end - c) * sizeof(T);
      HWY_ALIGN T in_copy[kRowIn + kShared][kMax] = {}, out_copy[kOut][kMax] = {};
      for (std::size_t k = 0; k < kRowIn; ++k) {
        if (row_in[k]) std::memcpy(in_copy[k], row_in[k] + r * stride + c, bytes);
        in[k] = row_in[k] ? in_copy[k] : nullptr;
      }
      for (std::size_t k = 0; k < kShared; ++k) {
        if (shared_in[k]) std::memcpy(in_copy[kRowIn + k], shared_in[k] + c, bytes);
        in[kRowIn + k] = shared_in[k] ? in_copy[kRowIn + k] : nullptr;
      }
      for (std::size_t k = 0; k < kOut; ++k) o[k] = out[k] ? out_copy[k] : nullptr;
      step(d, in, o);
      for (std::size_t k = 0; k < kOut; ++k)
        if (out[k]) std::memcpy(out[k] + r * stride + c, out_copy[k], bytes);
    }
  }
}

/// ForEachBlockVector on whole rows of [rows, width] arrays.
template <class T, std::size_t kRowIn, std::size_t kShared, std::size_t kOut, class Step>
void ForEachRowVector(std::int64_t begin, std::int64_t end, std::int64_t width,
                      const std::array<const T*, kRowIn>& row_in, const std::array<const T*, kShared>& shared_in,
                      const std::array<T*, kOut>& out, const Step& step) {
  ForEachBlockVector<T>(begin, end, 0, width, width, row_in, shared_in, out, step);
}

/// s[r, c] += b[c] for the rows [begin, end) and columns [col_begin, col_end) of s [rows, width].
template <class T>
void AddBiasBlock(T* s, const T* b, std::int64_t begin, std::int64_t end, std::int64_t col_begin,
                  std::int64_t col_end, std::int64_t width) {
  ForEachBlockVector<T>(begin, end, col_begin, col_end, width, std::array<const T*, 1>{s}, std::array<const T*, 1>{b},
                        std::array<T*, 1>{s}, [](auto d, const auto& in, const auto& out) {
                          hn::StoreU(hn::Add(hn::LoadU(d, in[0]), hn::LoadU(d, in[1])), d, out[0]);
                        });
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GRADREF_FAST_BIAS_ROWS_INL_H_
