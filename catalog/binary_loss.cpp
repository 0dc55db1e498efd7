#include "binary_loss.hpp"

#include <cmath>
#include <cstdint>
#include <tuple>

#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/support.hpp"

namespace gradref::catalog::binary {

const Array<Real>* optional_input(const Case& c, const char* name) {
  auto it = c.inputs.find(name);
  return it == c.inputs.end() ? nullptr : &it->second;
}

std::optional<Array<Tracked>> optional_tracked(const Case& c, const char* name, Dtype dtype) {
  const Array<Real>* a = optional_input(c, name);
  if (!a) return std::nullopt;
  return tracked(*a, dtype);
}

rc::Gen<spec::Reduction> reductions() {
  return rc::gen::element(spec::Reduction::mean, spec::Reduction::sum, spec::Reduction::none);
}

rc::Gen<Shape> shapes() {
  return rc::gen::weightedOneOf<Shape>({
      {1, rc::gen::just(Shape{})},
      {3, rc::gen::map(rc::gen::inRange<std::int64_t>(1, 140), [](std::int64_t n) { return Shape{n}; })},
      {4, rc::gen::map(rc::gen::tuple(rc::gen::inRange<std::int64_t>(1, 7), rc::gen::inRange<std::int64_t>(1, 30)),
                       [](const std::tuple<std::int64_t, std::int64_t>& t) {
                         return Shape{std::get<0>(t), std::get<1>(t)};
                       })},
  });
}

// A weight of 0 leaves a choice out: RapidCheck then draws exactly as from the list without it.

rc::Gen<double> labels(Dtype dtype, bool half) {
  return rc::gen::weightedOneOf<double>({
      {2, rc::gen::just(0.0)},
      {2, rc::gen::just(1.0)},
      {half ? 1u : 0u, rc::gen::just(0.5)},
      {4, rc::gen::map(rc::gen::inRange(0, 1000001), [dtype](int k) { return gen::in_dtype(k * 1e-6, dtype); })},
  });
}

rc::Gen<double> weights(Dtype dtype, bool one) {
  return rc::gen::weightedOneOf<double>({
      {8, rc::gen::map(gen::ordinary(dtype, -2, 0), [dtype](double x) { return gen::in_dtype(std::abs(x) * 10, dtype); })},
      {one ? 1u : 0u, rc::gen::just(1.0)},
      {1, rc::gen::just(0.0)},
      {1, rc::gen::map(rc::gen::inRange(1, 1000), [dtype](int k) { return gen::subnormal(dtype, k); })},
  });
}

}  // namespace gradref::catalog::binary
