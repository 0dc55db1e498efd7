// Catalog entry for RAdam (spec/radam.hpp): what is RAdam's own; the rest is the
// generic rule entry (rule_entry.hpp).
#include <cmath>

#include "gradref/fast/rules/radam.hpp"
#include "gradref/reference/rules/radam.hpp"
#include "rule_entry.hpp"

namespace gradref::catalog {
namespace {

using spec::Radam;

void vary(Radam& s, Dtype) {
  s.lr = *rc::gen::element(1e-3, 1e-2, 0.1, 0.5, 0.0, s.lr);
  s.beta1 = *rc::gen::element(0.9, 0.0, 0.5, 0.99, s.beta1);
  s.beta2 = *rc::gen::element(0.999, 0.99, 0.9, 0.8, s.beta2, s.beta2);
  s.eps = *rc::gen::element(1e-8, 1e-3, 0.1, 1.0, s.eps);
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}}))
    s.eps_placement = s.eps_placement == spec::RadamEps::raw ? spec::RadamEps::corrected : spec::RadamEps::raw;
  s.eps_root = s.eps_placement == spec::RadamEps::corrected ? *rc::gen::element(0.0, 0.0, 1e-8, 0.1, 1.0) : 0.0;
  s.threshold = *rc::gen::element(4.0, 5.0, 6.0, s.threshold, s.threshold);
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}}))
    s.threshold_test =
        s.threshold_test == spec::ThresholdTest::strict ? spec::ThresholdTest::inclusive : spec::ThresholdTest::strict;
  // beta2 = 0 gives rho_t = 1 exactly at every step (in double too): with threshold 1
  // the strict and inclusive tests disagree, exactly, on every step.
  if (*rc::gen::weightedElement<bool>({{1, true}, {7, false}})) {
    s.beta2 = 0.0;
    s.threshold = 1.0;
  }
  s.weight_decay = *rc::gen::element(0.0, 0.0, 1e-2, 0.1);
  if (*rc::gen::arbitrary<bool>())
    s.decay_style = *rc::gen::element(spec::DecayStyle::coupled, spec::DecayStyle::decoupled);
  s.maximize = *rc::gen::arbitrary<bool>();
}

double huge_for(Dtype dtype) { return dtype == Dtype::float32 ? 1e18 : 1e150; }

void draw_slots(const Radam& s, Dtype dtype, std::int64_t n, NamedArrays<Real>& inputs) {
  const double huge = huge_for(dtype);
  // Without eps the rectified step divides by sqrt(v): v stays normal (a v that
  // underflows to 0 in the kernel would make the bound infinite, not the kernel wrong).
  const auto nonnegative =
      s.eps == 0 ? rc::gen::map(gen::ordinary(dtype), [dtype](double x) { return gen::in_dtype(std::max(std::abs(x), 1e-3), dtype); })
                 : rc::gen::map(gen::hard(dtype, huge * huge * 1e-3), [](double x) { return std::abs(x); });
  const std::vector<double> v = *gen::values(n, nonnegative);
  // A reachable state has |m| <= sqrt(v / (1 - beta2)) up to a modest factor (all
  // past gradients enter both); a huge m over a tiny v only measures float overflow.
  std::vector<double> m = *gen::values(n, gen::hard(dtype, huge));
  for (std::size_t i = 0; i < m.size(); ++i) {
    const double limit = 4 * std::sqrt(v[i] / (1 - s.beta2));
    if (std::abs(m[i]) > limit) m[i] = gen::in_dtype(std::copysign(limit, m[i]), dtype);
  }
  inputs.emplace("exp_avg", gen::real_array({n}, m));
  inputs.emplace("exp_avg_sq", gen::real_array({n}, v));
}

rules::RuleOps<Radam> ops() {
  rules::RuleOps<Radam> o;
  o.summary = "RAdam: Adam with the adaptive step rectified once rho_t passes a threshold (PyTorch > 5, optax >= 5, "
              "Liu et al. > 4), eps on the raw or the corrected v, coupled or decoupled decay";
  o.doc = "rules/radam.md";
  o.slot_ports = {{"exp_avg", "[*param]", "first moment m"}, {"exp_avg_sq", "[*param]", "second moment v"}};
  o.vary_spec = vary;
  o.draw_slots = draw_slots;
  o.bad_fields = {{"negative learning rate", "lr", -1e-3},
                  {"beta1 = 1", "beta1", 1.0},
                  {"beta2 = 1", "beta2", 1.0},
                  {"negative beta2", "beta2", -0.5},
                  {"negative eps", "eps", -1e-8},
                  {"negative eps_root", "eps_root", -1e-8, {{"eps_placement", "corrected"}}},
                  {"eps_root with eps on the raw v", "eps_root", 1e-8, {{"eps_placement", "raw"}}},
                  {"infinite threshold", "threshold", "inf"},
                  {"NaN threshold", "threshold", "nan"},
                  {"negative weight decay", "weight_decay", -0.1},
                  {"unknown eps placement", "eps_placement", "inside"},
                  {"unknown threshold test", "threshold_test", "greater"},
                  {"unknown decay style", "decay_style", "l1"}};
  o.flips = {{"eps_placement_other", "eps on the corrected v where the spec has it on the raw v, and vice versa",
              [](Json& s) { s["eps_placement"] = s["eps_placement"] == "raw" ? "corrected" : "raw"; }},
             {"threshold_test_other", "rho_t >= threshold where the spec has >, and vice versa",
              [](Json& s) { s["threshold_test"] = s["threshold_test"] == "strict" ? "inclusive" : "strict"; }},
             {"threshold_other", "Liu et al.'s rho_t > 4 where the spec has 5, and vice versa",
              [](Json& s) { s["threshold"] = s["threshold"].get<double>() == 4.0 ? 5.0 : 4.0; }},
             {"decay_style_other", "L2 decay where the spec decouples it, and vice versa",
              [](Json& s) { s["decay_style"] = s["decay_style"] == "coupled" ? "decoupled" : "coupled"; }},
             {"weight_decay_ignored", "weight decay left out", [](Json& s) { s["weight_decay"] = 0.0; }},
             {"eps_root_ignored", "eps_root left out of the root", [](Json& s) { s["eps_root"] = 0.0; }},
             {"maximize_ignored", "descent where the spec asks for ascent, and vice versa",
              [](Json& s) { s["maximize"] = !s["maximize"].get<bool>(); }}};
  o.step_dependent = true;
  o.deviations = {
      {"PyTorch updates m as m.lerp_(g, 1 - beta1), decays theta as theta * (1 - lr wd) and multiplies "
       "((m / bc1) lr) (sqrt(bc2) / (sqrt(v) + eps)) r_t element by element; optax forms b^t and rho_t in float32",
       "rounding only: the real-number update is the same; gradref's order is documented in docs/rules/radam.md"},
      {"the branch (rectified or not) is decided on the exact rho_t; PyTorch decides it on rho_t in double, optax in "
       "float32",
       "they can differ only where rho_t rounds across the threshold; with beta2 = 0.999 rho_t is at least 0.004 away "
       "from 4, 5 and 6 at every integer t"}};
  return o;
}

}  // namespace

const Entry& radam_entry() {
  static const Entry entry = rules::make_entry(ops());
  return entry;
}

}  // namespace gradref::catalog
