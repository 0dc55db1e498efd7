// Loading and storing the last, partial vector of a row: `count` (<= one vector)
// values, the other lanes filled with a value that keeps the lane's arithmetic
// finite. Shared by the Highway kernels that walk rows vector by vector.
//
// Included by a Highway translation unit once per target (the toggle below is
// Highway's pattern for such headers).
#if defined(GRADREF_FAST_VECTOR_PARTS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GRADREF_FAST_VECTOR_PARTS_INL_H_
#undef GRADREF_FAST_VECTOR_PARTS_INL_H_
#else
#define GRADREF_FAST_VECTOR_PARTS_INL_H_
#endif

#include <hwy/highway.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// `count` (<= one vector) values at x, the other lanes set to `pad`.
template <class D, class T = hn::TFromD<D>>
hn::Vec<D> LoadPart(D d, const T* x, std::int64_t count, T pad) {
  if (count == static_cast<std::int64_t>(hn::Lanes(d))) return hn::LoadU(d, x);
  HWY_ALIGN T buf[hn::MaxLanes(d)];
  std::fill(buf, buf + hn::MaxLanes(d), pad);
  std::memcpy(buf, x, static_cast<std::size_t>(count) * sizeof(T));
  return hn::Load(d, buf);
}

/// Stores the first `count` (<= one vector) lanes of v at out.
template <class D, class T = hn::TFromD<D>>
void StorePart(D d, hn::Vec<D> v, T* out, std::int64_t count) {
  if (count == static_cast<std::int64_t>(hn::Lanes(d))) return hn::StoreU(v, d, out);
  HWY_ALIGN T buf[hn::MaxLanes(d)];
  hn::Store(v, d, buf);
  std::memcpy(out, buf, static_cast<std::size_t>(count) * sizeof(T));
}

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // GRADREF_FAST_VECTOR_PARTS_INL_H_
