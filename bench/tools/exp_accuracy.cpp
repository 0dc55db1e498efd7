// Exhaustive accuracy check of the fast cross-entropy's float exp (ExpNonPositive in
// fast/src/losses/cross_entropy_blocks-inl.h) on every float in [-88, 0], on every
// SIMD target this CPU runs, against exp in double: the worst error in units of the
// error model's exp budget 2u |exp(x)| (must stay below 1), in ULPs of the result,
// and below the normal range in units of the smallest normal number (the model's
// absolute allowance); hn::Exp's figure beside it. Not part of the build (minutes per
// target); from the repository root, after building gradref_fast:
//   g++ -O2 -std=c++20 -DHWY_DISABLED_TARGETS=HWY_SSSE3 -Ifast/include -Ifast/src \
//       -Ireference/include -Ibench/tools bench/tools/exp_accuracy.cpp \
//       build/release/fast/libgradref_fast.a -lhwy -lhwy_contrib -lpthread -o /tmp/exp_accuracy
//   /tmp/exp_accuracy [stride]     # stride n > 1: every n-th float only
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "exp_accuracy.cpp"
#include <hwy/foreach_target.h>
#include <hwy/highway.h>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <cfloat>
#include "losses/cross_entropy_blocks-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
void Check(std::uint32_t stride, double* out) {
  const hn::ScalableTag<float> d;
  const std::size_t L = hn::Lanes(d);
  float xs[64], ys[64], hs[64];
  double worst = 0, worst_hwy = 0, worst_ulp = 0; float worst_x = 0;
  double sub_worst = 0;
  const std::uint32_t first = 0x80000000u, last = 0xC2B00000u;
  for (std::uint64_t b = first; b <= last; b += L * stride) {
    for (std::size_t k = 0; k < L; ++k) {
      std::uint32_t bits = static_cast<std::uint32_t>(std::min<std::uint64_t>(b + k * stride, last));
      std::memcpy(&xs[k], &bits, 4);
    }
    const auto x = hn::LoadU(d, xs);
    hn::StoreU(ExpNonPositive(d, x), d, ys);
    hn::StoreU(hn::Exp(d, x), d, hs);
    for (std::size_t k = 0; k < L; ++k) {
      const double e = std::exp(static_cast<double>(xs[k]));
      const double err = std::fabs(ys[k] - e), err_h = std::fabs(hs[k] - e);
      if (e >= FLT_MIN) {
        const double r = err / (0x1p-23 * e);  // model: 1 ULP = 2u|exact|
        if (r > worst) worst = r, worst_x = xs[k];
        worst_hwy = std::max(worst_hwy, err_h / (0x1p-23 * e));
        int ex; std::frexp(e, &ex);
        worst_ulp = std::max(worst_ulp, err / std::ldexp(1.0, ex - 24));
      } else {
        sub_worst = std::max(sub_worst, err / FLT_MIN);
      }
    }
  }
  out[0] = worst; out[1] = worst_hwy; out[2] = worst_ulp; out[3] = sub_worst; out[4] = worst_x;
}
}
HWY_AFTER_NAMESPACE();
#if HWY_ONCE
#include "gradref/fast/dispatch.hpp"
namespace gradref::fast::detail {
HWY_EXPORT(Check);
}
int main(int argc, char** argv) {
  const std::uint32_t stride = argc > 1 ? std::atoi(argv[1]) : 1;
  for (const auto& t : gradref::fast::available_targets()) {
    gradref::fast::ScopedTarget s(t);
    double out[5];
    HWY_DYNAMIC_DISPATCH(gradref::fast::detail::Check)(stride, out);
    std::printf("%-8s worst error / (2u|exp|) = %.4f (hn::Exp %.4f), in ULPs of the result %.4f, below FLT_MIN: error / FLT_MIN %.4f, worst at x = %a\n",
                t.name.c_str(), out[0], out[1], out[2], out[3], out[4]);
  }
}
#endif
