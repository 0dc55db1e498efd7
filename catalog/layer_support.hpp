#pragma once
// What the catalog entries of the layers (dense, mlp) share: the rounding model of
// a kernel whose matrix products come from a BLAS, and the generators of batch
// sizes, widths and values.
#include <cstdint>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::catalog::layers {

/// fast_rounding_model() with sum_depth(n) = n - 1: a BLAS sums a dot product of n
/// terms in an order of its own (blocked, unrolled, with FMA or not), and n - 1
/// additions on one term's path bound every order.
RoundingModel blas_rounding_model();

/// How large a case's values are.
enum class Magnitude {
  ordinary,  ///< mantissa times 10^k, k in [-2, 1]
  hard,      ///< ordinary mixed with zeros, subnormals, tiny and huge values
};

/// One magnitude per case: hard one case in four.
rc::Gen<Magnitude> magnitudes();

/// Values of a case of this magnitude: huge values stay where dot products of up to
/// a few hundred terms of two of them cannot overflow (1e15 in float32, 1e150 in float64).
rc::Gen<double> values(Dtype dtype, Magnitude magnitude);

/// A batch size or width: mostly 1 to `small`, sometimes `large_lo` to `large_hi`
/// (several gemm blocks, long dot products).
rc::Gen<std::int64_t> extent(std::int64_t small, std::int64_t large_lo, std::int64_t large_hi);

}  // namespace gradref::catalog::layers
