#include "gradref/catalog/generators.hpp"

#include <cmath>
#include <limits>

namespace gradref::catalog::gen {

double in_dtype(double x, Dtype dtype) {
  switch (dtype) {
    case Dtype::float32: return static_cast<double>(static_cast<float>(x));
    case Dtype::bfloat16: return static_cast<double>(round_to_bfloat16(exact(x)));
    case Dtype::float64: break;
  }
  return x;
}

double subnormal(Dtype dtype, int multiple) {
  switch (dtype) {
    case Dtype::float32: return std::numeric_limits<float>::denorm_min() * multiple;
    case Dtype::bfloat16: return in_dtype(0x1p-133 * multiple, dtype);
    case Dtype::float64: break;
  }
  return std::numeric_limits<double>::denorm_min() * multiple;
}

rc::Gen<double> ordinary(Dtype dtype, int lo_exponent, int hi_exponent) {
  return rc::gen::map(rc::gen::tuple(rc::gen::inRange(-1000000, 1000001), rc::gen::inRange(lo_exponent, hi_exponent + 1)),
                      [dtype](const std::tuple<int, int>& t) {
                        return in_dtype(std::get<0>(t) * 1e-6 * std::pow(10.0, std::get<1>(t)), dtype);
                      });
}

rc::Gen<double> hard(Dtype dtype, double huge) {
  return rc::gen::weightedOneOf<double>({
      {12, ordinary(dtype)},
      {2, rc::gen::just(0.0)},
      {1, rc::gen::map(rc::gen::inRange(1, 1000), [dtype](int k) { return subnormal(dtype, k); })},
      {1, rc::gen::map(rc::gen::inRange(1, 1000), [dtype](int k) { return -subnormal(dtype, k); })},
      {1, rc::gen::map(ordinary(dtype, -30, -20), [dtype](double x) { return in_dtype(x, dtype); })},
      {1, rc::gen::map(rc::gen::inRange(1, 1000), [dtype, huge](int k) { return in_dtype(huge * k / 1000.0, dtype); })},
      {1, rc::gen::map(rc::gen::inRange(1, 1000), [dtype, huge](int k) { return in_dtype(-huge * k / 1000.0, dtype); })},
  });
}

rc::Gen<std::vector<double>> values(std::int64_t n, rc::Gen<double> g) {
  return rc::gen::container<std::vector<double>>(static_cast<std::size_t>(n), std::move(g));
}

Array<Real> real_array(const Shape& shape, const std::vector<double>& values) {
  std::vector<Real> out;
  out.reserve(values.size());
  for (double x : values) out.push_back(exact(x));
  return Array<Real>(shape, std::move(out));
}

}  // namespace gradref::catalog::gen
