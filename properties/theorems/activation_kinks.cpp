// The derivative relu and leaky_relu report at their kink x = 0, which the generic
// finite-difference property avoids: with f the total sum(grad_output * output) as
// a function of one input element at 0, and f'(0-), f'(0+) its one-sided
// derivatives (g a for leaky_relu and g 0 for relu on the left, g on the right),
//  1. the kink is genuine: f'(0-) != f'(0+) (negative_slope != 1);
//  2. grad_input is exactly the one-sided derivative of the side the spec's
//     relu_derivative_at_zero / leaky_relu_derivative_at_zero names, in Real;
//  3. the fast kernels in float and double give that side within the op's error
//     bound, and not the other side.
// Both functions are linear on each side of 0, and the cases are dyadic, so the
// one-sided differences at step 2^-200 are exact at 512 bits.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/generators.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 512;

Real step() { return pow(Real(2), -200); }

/// `function` with both kink fields set to `side`; n inputs k / 64, about half of
/// them exactly 0; cotangents k / 64, never 0.
catalog::Case kink_case(const catalog::Entry& entry, const std::string& function, const std::string& side) {
  catalog::Json given{{"function", function},
                      {"relu_derivative_at_zero", side},
                      {"leaky_relu_derivative_at_zero", side},
                      {"negative_slope", *rc::gen::element(0.01, 0.2, 0.3, 0.0, -0.5, 2.0)}};
  const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 21);
  const auto dyadic = rc::gen::map(rc::gen::inRange(-640, 641), [](int k) { return k / 64.0; });
  const std::vector<double> x =
      *catalog::gen::values(n, rc::gen::weightedOneOf<double>({{1, rc::gen::just(0.0)}, {1, dyadic}}));
  const std::vector<double> g = *catalog::gen::values(
      n, rc::gen::map(rc::gen::inRange(1, 641), [](int k) { return (k % 2 ? k : -k) / 64.0; }));
  catalog::Case c{entry.name, entry.make_spec(given, "pytorch"), {}};
  c.inputs.emplace("input", catalog::gen::real_array({n}, x));
  c.inputs.emplace("grad_output", catalog::gen::real_array({n}, g));
  return c;
}

Real total(const catalog::Entry& entry, const catalog::Case& c, std::int64_t index, const Real& value) {
  catalog::Case moved = c;
  moved.inputs.at("input")[index] = value;
  const catalog::NamedArrays<Real> out = catalog::evaluate_at(entry, moved, kBits);
  Real t = 0;
  for (std::int64_t i = 0; i < out.at("output").size(); ++i) t += out.at("output")[i] * moved.inputs.at("grad_output")[i];
  return t;
}

struct OneSided {
  Real left, right;
};

OneSided one_sided(const catalog::Entry& entry, const catalog::Case& c, std::int64_t index) {
  ScopedPrecision precision(kBits);
  const Real f = total(entry, c, index, Real(0));
  return {(f - total(entry, c, index, -step())) / step(), (total(entry, c, index, step()) - f) / step()};
}

void check(const std::string& function) {
  const catalog::Entry& entry = catalog::find("activation");
  const bool ok = rc::check(function + " at its kink", [&] {
    const std::string side = *rc::gen::element<std::string>("left", "right");
    const catalog::Case c = kink_case(entry, function, side);
    const catalog::NamedArrays<Real> exact_out = catalog::evaluate_at(entry, c, kBits);
    const Array<Real>& x = c.inputs.at("input");
    for (std::int64_t i = 0; i < x.size(); ++i) {
      if (x[i] != 0) continue;
      const OneSided fd = one_sided(entry, c, i);
      const Real& chosen = side == "right" ? fd.right : fd.left;
      const Real& other = side == "right" ? fd.left : fd.right;
      RC_ASSERT(fd.left != fd.right);
      RC_ASSERT(exact_out.at("grad_input")[i] == chosen);
      for (const catalog::Dtype dtype : {catalog::Dtype::float32, catalog::Dtype::float64}) {
        const Real fast = exact(entry.fast(c, dtype).at("grad_input")[i]);
        const Real bound = entry.error_bound(c, dtype).at("grad_input")[i];
        RC_ASSERT(abs(fast - chosen) <= bound);
        RC_ASSERT(abs(fast - other) > bound);
      }
    }
  });
  EXPECT_TRUE(ok);
}

TEST(ActivationKinks, ReluReportsTheNamedOneSidedDerivative) { check("relu"); }
TEST(ActivationKinks, LeakyReluReportsTheNamedOneSidedDerivative) { check("leaky_relu"); }

}  // namespace
}  // namespace gradref::properties
