// The gradients of l1 and huber where the loss is not twice differentiable, which
// the generic finite-difference property avoids (it samples central differences
// away from the kinks). With f the total loss (the sum of `loss`) as a function of
// one input or target element, and f'(x-), f'(x+) its one-sided derivatives:
//  1. l1 at a tie (x = y): the reported gradient is exactly 0 (PyTorch's sgn(0) = 0)
//     and a subgradient, f'(x-) <= g <= f'(x+);
//  2. huber at |x - y| = delta: the loss is C^1 there, so the reported gradient
//     equals both one-sided derivatives; at a tie it is exactly 0 (and equals them).
// Each is checked on the reference in Real and on the fast kernels in float and
// double (whose gradient must lie within the op's error bound of those derivatives).
// Cases are dyadic (k / 64, delta a small power-of-two multiple), so ties and
// |x - y| = delta are exact in every dtype and in the kernels' own subtraction.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/generators.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 512;
constexpr int kKinksPerCase = 6;

// One-sided differences at step h = 2^-200: the truncation error is h/2 times the
// second derivative (at most 1 times the gradient scale here) and the rounding
// error 2^-512 |f| / h; 2^-150 bounds both with room to spare.
Real step() { return pow(Real(2), -200); }
Real fd_tolerance() { return pow(Real(2), -150); }

/// A dyadic value k / 64 with |k| <= 640: x and x -+ delta are exact in float.
rc::Gen<double> dyadic() {
  return rc::gen::map(rc::gen::inRange(-640, 641), [](int k) { return k / 64.0; });
}

/// `op` with `reduction` and, when delta > 0, `delta`; input of n dyadic values;
/// each target tied to its input, at input -+ delta (when delta > 0), or independent.
catalog::Case kink_case(const catalog::Entry& entry, double delta) {
  const std::string reduction = *rc::gen::element<std::string>("mean", "sum", "none");
  catalog::Json given{{"reduction", reduction}};
  if (delta > 0) given["delta"] = delta;
  const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 41);
  const std::vector<double> x = *catalog::gen::values(n, dyadic());
  std::vector<double> y = *catalog::gen::values(n, dyadic());
  // Pairings drawn uniformly at every size (inRange would favour ties at small sizes).
  const auto pairing = delta > 0 ? rc::gen::element(0, 1, 2, 3) : rc::gen::element(0, 1);
  for (std::size_t i = 0; i < y.size(); ++i) {
    switch (*pairing) {
      case 0: y[i] = x[i]; break;
      case 1: break;
      case 2: y[i] = x[i] - delta; break;
      default: y[i] = x[i] + delta; break;
    }
  }
  catalog::Case c{entry.name, entry.make_spec(given, ""), {}};
  c.inputs.emplace("input", catalog::gen::real_array({n}, x));
  c.inputs.emplace("target", catalog::gen::real_array({n}, y));
  return c;
}

/// The total loss with element `index` of input `name` set to `value`, at kBits.
Real total_loss(const catalog::Entry& entry, const catalog::Case& c, const std::string& name, std::int64_t index,
                const Real& value) {
  catalog::Case moved = c;
  moved.inputs.at(name)[index] = value;
  const catalog::NamedArrays<Real> out = catalog::evaluate_at(entry, moved, kBits);
  Real total = 0;
  for (const Real& l : out.at("loss").values()) total += l;
  return total;
}

struct OneSided {
  Real left, right;
};

/// f'(x-) and f'(x+) of the total loss in element `index` of input `name`.
OneSided one_sided(const catalog::Entry& entry, const catalog::Case& c, const std::string& name,
                   std::int64_t index) {
  const Real x = at_working_precision(c.inputs.at(name)[index]);
  const Real f = total_loss(entry, c, name, index, x);
  return {(f - total_loss(entry, c, name, index, x - step())) / step(),
          (total_loss(entry, c, name, index, x + step()) - f) / step()};
}

/// The input and gradient port pairs of l1 and huber.
const std::pair<const char*, const char*> kPorts[] = {{"input", "grad_input"}, {"target", "grad_target"}};

enum class Where { tie, at_delta, elsewhere };

Where where(const catalog::Case& c, std::int64_t i, double delta) {
  const Real d = c.inputs.at("input")[i] - c.inputs.at("target")[i];
  if (d == 0) return Where::tie;
  return delta > 0 && abs(d) == delta ? Where::at_delta : Where::elsewhere;
}

/// An element at a kink and the one-sided derivatives there, per kPorts entry.
struct Kink {
  std::int64_t index;
  Where where;
  OneSided fd[2];
};

/// Up to kKinksPerCase elements of `c` at a tie (or, for huber, at |x - y| = delta),
/// drawn at random: one-sided differences cost three evaluations each.
std::vector<Kink> kinks_of(const catalog::Entry& entry, const catalog::Case& c, double delta) {
  ScopedPrecision precision(kBits);
  std::vector<std::int64_t> at_kink;
  for (std::int64_t i = 0; i < c.inputs.at("input").size(); ++i)
    if (where(c, i, delta) != Where::elsewhere) at_kink.push_back(i);
  std::vector<Kink> out;
  for (int k = 0; k < kKinksPerCase && !at_kink.empty(); ++k) {
    const std::int64_t i = *rc::gen::elementOf(at_kink);
    out.push_back({i, where(c, i, delta), {one_sided(entry, c, kPorts[0].first, i),
                                            one_sided(entry, c, kPorts[1].first, i)}});
  }
  return out;
}

/// At each kink: the gradient g of `gradient` (`bound` its error bound, 0 for the
/// reference) is exactly 0 at ties; for l1 it lies in [f'(x-), f'(x+)] (up to the
/// bound and the differences' accuracy), for huber it equals both.
void check_kinks(const std::vector<Kink>& kinks, double delta, const catalog::NamedArrays<Real>& gradient,
                 const catalog::NamedArrays<Real>& bound) {
  ScopedPrecision precision(kBits);
  for (const Kink& kink : kinks) {
    for (int port = 0; port < 2; ++port) {
      const char* grad_name = kPorts[port].second;
      const Real g = gradient.at(grad_name)[kink.index];
      const Real slack = bound.at(grad_name)[kink.index] + fd_tolerance();
      const OneSided& fd = kink.fd[port];
      if (kink.where == Where::tie) RC_ASSERT(g == 0);
      if (delta > 0) {  // huber: C^1, both one-sided derivatives equal the gradient
        RC_ASSERT(abs(g - fd.left) <= slack);
        RC_ASSERT(abs(g - fd.right) <= slack);
      } else {  // l1: a genuine kink (f'(x-) < f'(x+)), and g a subgradient
        RC_ASSERT(fd.right - fd.left > 2 * fd_tolerance());
        RC_ASSERT(fd.left - slack <= g);
        RC_ASSERT(g <= fd.right + slack);
      }
    }
  }
}

catalog::NamedArrays<Real> zero_bounds(const catalog::NamedArrays<Real>& out) {
  catalog::NamedArrays<Real> zero;
  for (const auto& [name, array] : out) zero.emplace(name, array.map<Real>([](const Real&) { return Real(0); }));
  return zero;
}

catalog::NamedArrays<Real> exact_of(const catalog::NamedArrays<double>& out) {
  catalog::NamedArrays<Real> exact_out;
  for (const auto& [name, array] : out) exact_out.emplace(name, array.map<Real>([](double v) { return exact(v); }));
  return exact_out;
}

/// The reference's gradients in Real at kBits, at the kinks of `op`'s cases.
void check_reference(const char* op, rc::Gen<double> delta) {
  const catalog::Entry& entry = catalog::find(op);
  const bool ok = rc::check(std::string(op) + " reference at its kinks", [&] {
    const double d = *delta;
    const catalog::Case c = kink_case(entry, d);
    const catalog::NamedArrays<Real> out = catalog::evaluate_at(entry, c, kBits);
    check_kinks(kinks_of(entry, c, d), d, out, zero_bounds(out));
  });
  EXPECT_TRUE(ok);
}

/// The fast kernel's gradients in float and double, within the op's error bound.
void check_fast(const char* op, rc::Gen<double> delta) {
  const catalog::Entry& entry = catalog::find(op);
  const bool ok = rc::check(std::string(op) + " fast kernel at its kinks", [&] {
    const double d = *delta;
    const catalog::Case c = kink_case(entry, d);
    const std::vector<Kink> kinks = kinks_of(entry, c, d);
    for (const catalog::Dtype dtype : {catalog::Dtype::float32, catalog::Dtype::float64})
      check_kinks(kinks, d, exact_of(entry.fast(c, dtype)), entry.error_bound(c, dtype));
  });
  EXPECT_TRUE(ok);
}

rc::Gen<double> no_delta() { return rc::gen::just(0.0); }
rc::Gen<double> dyadic_delta() { return rc::gen::element(1.0, 0.5, 2.0, 0.25, 3.0, 0.125, 5.0); }

TEST(Kinks, L1ReferenceTieGradientIsZeroAndASubgradient) { check_reference("l1", no_delta()); }
TEST(Kinks, L1FastTieGradientIsZeroAndASubgradient) { check_fast("l1", no_delta()); }
TEST(Kinks, HuberReferenceGradientIsContinuousAtDelta) { check_reference("huber", dyadic_delta()); }
TEST(Kinks, HuberFastGradientIsContinuousAtDelta) { check_fast("huber", dyadic_delta()); }

}  // namespace
}  // namespace gradref::properties
