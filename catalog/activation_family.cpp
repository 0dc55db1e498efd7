#include "activation_family.hpp"

#include <cmath>
#include <tuple>

#include "case_edits.hpp"
#include "gradref/catalog/generators.hpp"

namespace gradref::catalog::activation_family {

namespace {

rc::Gen<Shape> shapes(bool small) {
  const std::int64_t longest = small ? 8 : 140;
  return rc::gen::weightedOneOf<Shape>({
      {1, rc::gen::just(Shape{})},
      {3, rc::gen::map(rc::gen::inRange<std::int64_t>(1, longest + 1), [](std::int64_t n) { return Shape{n}; })},
      {2, rc::gen::map(rc::gen::tuple(rc::gen::inRange<std::int64_t>(1, small ? 3 : 7),
                                      rc::gen::inRange<std::int64_t>(1, small ? 4 : 30)),
                       [](const std::tuple<std::int64_t, std::int64_t>& t) {
                         return Shape{std::get<0>(t), std::get<1>(t)};
                       })},
  });
}

/// A magnitude in [lo, hi) of either sign, exact in dtype.
rc::Gen<double> signed_between(Dtype dtype, double lo, double hi) {
  return rc::gen::map(rc::gen::tuple(rc::gen::inRange(0, 1000000), rc::gen::arbitrary<bool>()),
                      [=](const std::tuple<int, bool>& t) {
                        const double m = lo * std::pow(hi / lo, std::get<0>(t) * 1e-6);
                        return gen::in_dtype(std::get<1>(t) ? m : -m, dtype);
                      });
}

}  // namespace

rc::Gen<double> inputs(Dtype dtype, Draw draw) {
  switch (draw) {
    case Draw::hard:
      return rc::gen::weightedOneOf<double>(
          {{6, gen::ordinary(dtype, -3, 1)}, {3, gen::hard(dtype, 1e4)}, {1, signed_between(dtype, 10, 1e4)}});
    case Draw::hard_1e3:
      return rc::gen::weightedOneOf<double>(
          {{6, gen::ordinary(dtype, -3, 1)}, {3, gen::hard(dtype, 1e3)}, {1, signed_between(dtype, 10, 1e3)}});
    case Draw::moderate: return signed_between(dtype, 1e-3, 10);
    case Draw::zeros: return rc::gen::weightedOneOf<double>({{1, rc::gen::just(0.0)}, {1, gen::ordinary(dtype, -2, 1)}});
    case Draw::large: return signed_between(dtype, 100, 1e4);
  }
  return gen::ordinary(dtype);
}

rc::Gen<Case> cases(const char* op, Json spec, Dtype dtype, Draw draw, double (*adjust)(const Json&, double, Dtype),
                    bool small) {
  return rc::gen::exec([=] {
    const Shape shape = *shapes(small || draw == Draw::moderate);
    const std::int64_t n = element_count(shape);
    std::vector<double> x = *gen::values(n, inputs(dtype, draw));
    if (adjust)
      for (double& v : x) v = adjust(spec, v, dtype);
    // Cotangents never 0 outside the hard draw: a zero would hide f'(x) from the comparison.
    const auto cotangent = draw == Draw::hard || draw == Draw::hard_1e3
                               ? rc::gen::weightedOneOf<double>({{4, gen::ordinary(dtype, -2, 1)}, {1, gen::hard(dtype, 1e4)}})
                               : signed_between(dtype, 1e-2, 10);
    Case c{op, spec, {}};
    c.inputs.emplace("input", gen::real_array(shape, x));
    c.inputs.emplace("grad_output", gen::real_array(shape, *gen::values(n, cotangent)));
    return c;
  });
}

NamedArrays<Real> errors(const reference::ActivationResult<Tracked>& r) {
  NamedArrays<Real> out;
  out.emplace("output", errors_of(r.output));
  out.emplace("grad_input", errors_of(r.grad_input));
  return out;
}

Case base_case(const char* op, Json spec) {
  Case c{op, std::move(spec), {}};
  c.inputs.emplace("input", gen::real_array({4}, {-2, 0, 0.5, 3}));
  c.inputs.emplace("grad_output", gen::real_array({4}, {1, -0.5, 2, 0.25}));
  return c;
}

std::vector<InvalidCase> input_invalid_cases(const Case& b) {
  return {
      {"missing input", without_input(b, "input"), "inputs.input"},
      {"missing grad_output", without_input(b, "grad_output"), "inputs.grad_output"},
      {"an extent of 0", with_input(with_input(b, "input", {2, 0}, {}), "grad_output", {2, 0}, {}), "input.shape"},
      {"grad_output of another shape", with_input(b, "grad_output", {2, 2}, {1, -0.5, 2, 0.25}), "grad_output.shape"},
      {"infinite input", with_input(b, "input", {4}, {-2, INFINITY, 0.5, 3}), "input[1]"},
      {"NaN input", with_input(b, "input", {4}, {-2, 0, 0.5, NAN}), "input[3]"},
      {"NaN grad_output", with_input(b, "grad_output", {4}, {NAN, -0.5, 2, 0.25}), "grad_output[0]"},
      {"infinite grad_output", with_input(b, "grad_output", {4}, {1, -0.5, -INFINITY, 0.25}), "grad_output[2]"},
  };
}

}  // namespace gradref::catalog::activation_family
