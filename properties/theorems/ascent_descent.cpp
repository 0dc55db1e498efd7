// Ascent is descent on the negated objective (issue 5, theorem 8): a rule run with
// maximize = true on the gradients of L takes exactly the steps it takes with
// maximize = false on the gradients of -L, for every update rule in the catalog.
// Proof: every rule negates the gradient first (g <- -grad under maximize, PyTorch's
// order) and then never reads grad or maximize again, so both runs feed the same g
// to the same arithmetic; negation is exact and rounding to nearest is symmetric,
// so the two runs agree bit for bit, at any precision. No tolerance is needed.
//
// Checked on each rule's own generated cases (every preset, hard values, several
// steps): the case's gradients are taken as those of L, maximize is set, and the
// outputs must equal those of the same case with maximize cleared and the gradients
// negated. Rules that take the objective instead of a gradient (nesterov_lookahead:
// the quadratic's hessian and linear term) are checked with -L = (-A, -b).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <functional>
#include <iostream>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/support.hpp"
#include "theorems/theorem_checks.hpp"

namespace gradref::properties::theorems {
namespace {

using catalog::Case;
using catalog::Dtype;
using Outputs = catalog::NamedArrays<Real>;
using Runner = std::function<Outputs(const Case&)>;

/// The inputs that carry L's gradient (negated for -L); empty if the entry has none.
std::vector<std::string> gradient_inputs(const catalog::Entry& e) {
  const auto has = [&e](const char* name) {
    for (const catalog::Port& p : e.inputs)
      if (p.name == name) return true;
    return false;
  };
  if (has("grad")) return {"grad"};
  if (has("hessian") && has("linear")) return {"hessian", "linear"};
  return {};
}

bool same(const Outputs& a, const Outputs& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, x] : a) {
    const auto it = b.find(name);
    if (it == b.end() || it->second.shape() != x.shape()) return false;
    for (std::int64_t i = 0; i < x.size(); ++i) {
      const Real& u = x[i];
      const Real& v = it->second[i];
      if (!(u == v) && !(u != u && v != v)) return false;  // equal, or both NaN
    }
  }
  return true;
}

/// Whether `run` on c with maximize (gradients of L) equals `run` on c with
/// minimize and the `negated` inputs negated (gradients of -L).
bool ascent_is_descent(const Runner& run, Case c, const std::vector<std::string>& negated) {
  c.spec["maximize"] = true;
  Case descent = c;
  descent.spec["maximize"] = false;
  for (const std::string& name : negated)
    descent.inputs.insert_or_assign(name, c.inputs.at(name).map<Real>([](const Real& x) { return Real(-x); }));
  return same(run(c), run(descent));
}

TEST(AscentDescent, MaximizingLIsMinimizingMinusLForEveryRule) {
  int rules = 0;
  for (const catalog::Entry* e : catalog::all()) {
    if (e->kind != "rule") continue;
    const std::vector<std::string> negated = gradient_inputs(*e);
    if (negated.empty()) {
      ADD_FAILURE() << e->name << " is a rule with neither a grad input nor a quadratic objective";
      continue;
    }
    ++rules;
    const Runner run = [e](const Case& c) { return catalog::evaluate_at(*e, c, default_bits); };
    const bool ok = rc::check(e->name + ": maximize on grad L == minimize on grad(-L)", [e, &run, &negated] {
      const Case c = *e->generator(*rc::gen::element(Dtype::float32, Dtype::float64));
      RC_ASSERT(ascent_is_descent(run, c, negated));
    });
    EXPECT_TRUE(ok) << e->name;
  }
  EXPECT_GE(rules, 11);
}

// The broken rule: SGD with coupled weight decay whose maximize negates AFTER the
// decay term, g <- -(grad + wd theta) instead of -grad + wd theta: ascent then
// also pushes theta away from zero, and differs from descent on -L by 2 lr wd theta.
Outputs broken_sgd(const Case& c) {
  ScopedPrecision precision(default_bits);
  const Real lr(c.spec["lr"].get<double>()), wd(c.spec["weight_decay"].get<double>());
  const bool maximize = c.spec["maximize"].get<bool>();
  Array<Real> theta = c.inputs.at("param").map<Real>([](const Real& x) { return at_working_precision(x); });
  const Array<Real>& grads = c.inputs.at("grad");
  const std::int64_t n = theta.size();
  for (std::int64_t k = 0; k < grads.size() / n; ++k)
    for (std::int64_t i = 0; i < n; ++i) {
      Real g = at_working_precision(grads[k * n + i]) + wd * theta[i];
      if (maximize) g = -g;
      theta[i] = theta[i] - lr * g;
    }
  return {{"param", theta}};
}

TEST(AscentDescent, FailsForARuleThatNegatesAfterWeightDecay) {
  constexpr int kCases = 100;
  const catalog::Entry& sgd = catalog::find("sgd");
  const rc::Gen<Case> gen = rc::gen::map(sgd.generator(Dtype::float64), [](Case c) {
    c.spec["momentum"] = 0.0;
    c.spec["nesterov"] = false;
    c.spec["dampening"] = 0.0;
    c.spec["weight_decay"] = 0.1;
    c.spec["decay_style"] = "coupled";
    if (c.spec["lr"].get<double>() == 0.0) c.spec["lr"] = 0.01;
    c.inputs.erase("momentum_buffer");
    c.inputs.erase("velocity");
    return c;
  });
  // A case shows the bug unless lr wd theta vanishes next to grad at 256 bits in every
  // element (theta = 0, or the generator's huge gradients absorbing it): a few in 100.
  const int failed = failures(gen, kCases, [](const Case& c) { return ascent_is_descent(broken_sgd, c, {"grad"}); });
  std::cout << "  negate-after-decay SGD fails on " << failed << "/" << kCases << " cases\n";
  EXPECT_GE(failed, kCases * 9 / 10);
  const Runner reference_run = [&sgd](const Case& c) { return catalog::evaluate_at(sgd, c, default_bits); };
  EXPECT_EQ(failures(gen, kCases, [&](const Case& c) { return ascent_is_descent(reference_run, c, {"grad"}); }), 0);
}

}  // namespace
}  // namespace gradref::properties::theorems
