#include "verify/explain.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "golden_cases.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::cli {

namespace {

using catalog::Case;
using catalog::Dtype;
using catalog::Entry;
using catalog::NamedArrays;

constexpr double infinite_ratio = std::numeric_limits<double>::infinity();

struct CaseVerdict {
  bool passed = true;
  double ratio = 0;
  std::string worst_output;
};

struct ElementVerdict {
  bool ok = true;
  double ratio = 0;  ///< |got - x| / bound, infinite where the element fails outright
};

/// As catalog::compare judges: NaN must be NaN, an infinity the same infinity, and a
/// non-finite candidate value passes only where the error model gives no bound.
ElementVerdict judge_element(double got, const Real& x, const Real& bound) {
  if (isnan(x) || isinf(x)) {
    const bool same = std::isnan(got) ? bool(isnan(x)) : (std::isinf(got) && isinf(x) && (got > 0) == (x > 0));
    return {same, same ? 0 : infinite_ratio};
  }
  if (!std::isfinite(got)) return {bool(isinf(bound)), isinf(bound) ? 0 : infinite_ratio};
  const Real err = abs(exact(got) - x);
  if (err == 0) return {true, 0};
  return {err <= bound, bound == 0 ? infinite_ratio : static_cast<double>(err / bound)};
}

/// The candidate's outputs that the alternative also produces, against its exact
/// values and bounds. No output in common is a failure: nothing was shown to match.
CaseVerdict judge(const NamedArrays<double>& candidate, const NamedArrays<Real>& exact_outputs,
                  const NamedArrays<Real>& model, const Entry& entry) {
  ScopedPrecision precision(default_bits);
  CaseVerdict v{false, infinite_ratio, ""};
  bool compared = false;
  double worst = -1;
  bool passed = true;
  for (const auto& [name, got] : candidate) {
    const auto x = exact_outputs.find(name);
    if (x == exact_outputs.end()) continue;
    const auto b = model.find(name);
    if (b == model.end()) throw std::logic_error(entry.name + ": the error model has no bound for " + name);
    compared = true;
    double ratio = 0;
    bool ok = true;
    if (got.size() != x->second.size()) {
      ratio = infinite_ratio;
      ok = false;
    } else {
      for (std::int64_t i = 0; i < got.size(); ++i) {
        const ElementVerdict e = judge_element(got[i], x->second[i], with_reference_slack(b->second[i], x->second[i]));
        ok = ok && e.ok;
        ratio = std::max(ratio, e.ratio);
      }
    }
    passed = passed && ok;
    if (ratio > worst) {
      worst = ratio;
      v.worst_output = name;
    }
  }
  if (!compared) return v;
  v.passed = passed;
  v.ratio = worst;
  return v;
}

/// The alternative's outputs and bounds on case k, or none where it does not apply.
struct AlternativeOutputs {
  NamedArrays<Real> exact;
  NamedArrays<Real> bounds;
};

std::optional<AlternativeOutputs> evaluate(const Entry& entry, Dtype dtype, const Case& golden,
                                           const Alternative& a) {
  Case c = golden;
  if (!force_fields(entry, c, a.changes)) return std::nullopt;
  try {
    AlternativeOutputs out{catalog::evaluate_at(entry, c, default_bits), entry.error_bound(c, dtype)};
    return out;
  } catch (const InvalidInput&) {
    return std::nullopt;  // inputs the alternative's spec refuses (shapes, ranges)
  }
}

bool nearer(const AlternativeResult& a, const AlternativeResult& b) {
  if (a.matches != b.matches) return a.matches;
  if (a.passed != b.passed) return a.passed > b.passed;
  return a.worst_ratio < b.worst_ratio;
}

}  // namespace

std::vector<const AlternativeResult*> Explanation::matching() const {
  std::vector<const AlternativeResult*> out;
  for (const AlternativeResult& r : results)
    if (r.matches) out.push_back(&r);
  return out;
}

std::vector<const AlternativeResult*> Explanation::nearest(std::size_t count) const {
  std::vector<const AlternativeResult*> out;
  for (const AlternativeResult& r : results)
    if (!r.matches && r.passed + r.failed > 0 && out.size() < count) out.push_back(&r);
  return out;
}

Explanation explain(const Entry& entry, Dtype dtype, const std::vector<ExplainCase>& cases,
                    const ExplainOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Explanation e;
  e.cases = static_cast<std::int64_t>(cases.size());
  std::vector<const Case*> golden;
  for (const ExplainCase& c : cases) {
    golden.push_back(c.golden);
    if (!c.candidate) ++e.skipped;
  }
  for (Alternative& a : alternatives(entry, golden, e.same_as_golden)) {
    AlternativeResult r{std::move(a), 0, 0, 0, 0, 0, std::nullopt, false};
    bool stopped = false;
    for (std::size_t k = 0; k < cases.size(); ++k) {
      if (!cases[k].candidate) continue;
      if (stopped) {
        ++r.unevaluated;
        continue;
      }
      std::optional<AlternativeOutputs> outputs;
      if (r.alternative.specs[k]) {
        ++e.evaluations;
        outputs = evaluate(entry, dtype, *cases[k].golden, r.alternative);
      }
      if (!outputs) {
        ++r.not_applicable;
        stopped = !options.complete;
        continue;
      }
      const CaseVerdict v = judge(*cases[k].candidate, outputs->exact, outputs->bounds, entry);
      r.worst_ratio = std::max(r.worst_ratio, v.ratio);
      if (v.passed) {
        ++r.passed;
        continue;
      }
      ++r.failed;
      if (!r.first_failure) r.first_failure = AlternativeFailure{static_cast<std::int64_t>(k), v.worst_output, v.ratio};
      stopped = !options.complete;
    }
    r.matches = r.passed > 0 && r.passed == e.cases - e.skipped;
    e.results.push_back(std::move(r));
  }
  std::stable_sort(e.results.begin(), e.results.end(), nearer);
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return e;
}

}  // namespace gradref::cli
