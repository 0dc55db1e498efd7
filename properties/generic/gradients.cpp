// Every gradient an op reports agrees with high-precision finite differences of
// its value to at least 40 significant digits (relative to the largest entry of
// the gradient, so that entries like exp(-1000) are judged on the gradient's scale).
#include <rapidcheck.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "gradref/catalog/evaluate.hpp"
#include "support/catalog_params.hpp"
#include "support/finite_difference.hpp"

namespace gradref::properties {
namespace {

constexpr unsigned kBits = 512;
constexpr int kDigits = 40;
constexpr int kElementsPerCase = 6;  // finite differences are costly: sample entries

/// "d VALUE", or "d <sum of COTANGENT * VALUE>" for a vector-Jacobian product.
std::string form_of(const catalog::Gradient& g) {
  return g.cotangent.empty() ? "d " + g.value : "d <sum of " + g.cotangent + " * " + g.value + ">";
}

class Gradients : public testing::TestWithParam<const catalog::Entry*> {};

TEST_P(Gradients, AgreeWithFiniteDifferences) {
  const catalog::Entry& entry = *GetParam();
  // How many cases checked each form of gradient (a value, with or without a
  // cotangent: mlp's loss form and its VJP form): a generator that never produced
  // one of an op's forms would otherwise check nothing for it and pass. Entries
  // within a form may name ports a case lacks (weight_3 of a 2-layer MLP, a graph
  // input the expression does not use), so the count is per form; and every case
  // must check at least one entry.
  std::map<std::string, int> exercised;
  for (const catalog::Gradient& g : entry.gradients) exercised[form_of(g)] = 0;
  const bool ok = rc::check(entry.name + " gradients vs finite differences", [&] {
    const auto& generator = entry.derivative_generator ? entry.derivative_generator : entry.generator;
    const catalog::Case c = *generator(catalog::Dtype::float64);
    ScopedPrecision precision(kBits);
    const catalog::NamedArrays<Real> out = catalog::evaluate_at(entry, c, kBits);
    int checked = 0;
    for (const catalog::Gradient& g : entry.gradients) {
      // An optional output this spec does not produce, or a cotangent input this case
      // does not take (mlp: the loss's gradients, or a cotangent's VJP when loss is none).
      if (!out.contains(g.gradient) || !out.contains(g.value) || (!g.cotangent.empty() && !c.inputs.contains(g.cotangent)))
        continue;
      ++exercised[form_of(g)];
      ++checked;
      const Array<Real>& gradient = out.at(g.gradient);
      Real scale = 0;
      for (const Real& x : gradient.values()) scale = std::max(scale, Real(abs(x)));
      const std::int64_t n = c.inputs.at(g.input).size();
      for (int k = 0; k < kElementsPerCase && k < n; ++k) {
        const std::int64_t index = *rc::gen::inRange<std::int64_t>(0, n);
        auto value_at = [&](const Real& x) {
          catalog::Case moved = c;
          Array<Real> in = moved.inputs.at(g.input).map<Real>([](const Real& v) { return at_working_precision(v); });
          in[index] = x;
          moved.inputs.insert_or_assign(g.input, std::move(in));
          const catalog::NamedArrays<Real> r = entry.reference(moved);
          const Array<Real>& value = r.at(g.value);
          Real total = 0;
          for (std::int64_t i = 0; i < value.size(); ++i)
            total += g.cotangent.empty() ? value[i] : value[i] * moved.inputs.at(g.cotangent)[i];
          return total;
        };
        const Real x0 = at_working_precision(c.inputs.at(g.input)[index]);
        const Real fd = richardson_derivative(value_at, x0, pow(Real(2), -32));
        const Real err = abs(fd - gradient[index]);
        // A gradient that is exactly 0 everywhere leaves finite differences a residue
        // of the 512-bit rounding (~1e-66): allow 2^-(kBits/2) absolutely as well.
        const Real floor = pow(Real(2), -static_cast<int>(kBits / 2));
        const Real tolerance = std::max(pow(Real(10), -kDigits) * std::max(scale, Real(abs(gradient[index]))), floor);
        RC_ASSERT(err <= tolerance);
      }
    }
    RC_ASSERT(checked > 0);
  });
  EXPECT_TRUE(ok);
  for (const auto& [form, count] : exercised) EXPECT_GT(count, 0) << entry.name << ": no case checked " << form;
}

/// The ops that declare gradients (update rules declare none: their outputs are
/// the rule itself, checked against the reference by the other properties).
std::vector<const catalog::Entry*> ops_with_gradients() {
  std::vector<const catalog::Entry*> out;
  for (const catalog::Entry* e : catalog::all())
    if (!e->gradients.empty()) out.push_back(e);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Catalog, Gradients, testing::ValuesIn(ops_with_gradients()), entry_name);

}  // namespace
}  // namespace gradref::properties
