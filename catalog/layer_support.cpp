#include "layer_support.hpp"

#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/support.hpp"

namespace gradref::catalog::layers {

RoundingModel blas_rounding_model() {
  RoundingModel m = fast_rounding_model();
  m.sum_depth = [](std::int64_t n) { return n > 1 ? n - 1 : std::int64_t{0}; };
  return m;
}

rc::Gen<Magnitude> magnitudes() {
  return rc::gen::weightedOneOf<Magnitude>({{3, rc::gen::just(Magnitude::ordinary)}, {1, rc::gen::just(Magnitude::hard)}});
}

rc::Gen<double> values(Dtype dtype, Magnitude magnitude) {
  if (magnitude == Magnitude::hard) return gen::hard(dtype, dtype == Dtype::float32 ? 1e15 : 1e150);
  return gen::ordinary(dtype, -2, 1);
}

rc::Gen<std::int64_t> extent(std::int64_t small, std::int64_t large_lo, std::int64_t large_hi) {
  return rc::gen::weightedOneOf<std::int64_t>({{1, rc::gen::just<std::int64_t>(1)},
                                               {8, rc::gen::inRange<std::int64_t>(1, small + 1)},
                                               {1, rc::gen::inRange<std::int64_t>(large_lo, large_hi + 1)}});
}

}  // namespace gradref::catalog::layers
