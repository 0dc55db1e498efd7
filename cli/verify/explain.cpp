#include "verify/explain.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <stdexcept>

#include "golden_cases.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/spec/errors.hpp"
#include "verify/check.hpp"

namespace gradref::cli::verify {

namespace {

using catalog::Case;
using catalog::Dtype;
using catalog::Entry;
using catalog::NamedArrays;

constexpr double infinite_ratio = std::numeric_limits<double>::infinity();

struct CaseVerdict {
  bool passed = false;
  double ratio = infinite_ratio;
  std::string worst_output;
};

/// The alternative's output as a golden file would hold it: exact at 256 bits (all
/// its digits certified for the comparison), the error model's bound plus the
/// reference's own rounding, |exact| 2^-128, as verify::certify_case adds.
GoldenOutput golden_output(const Array<Real>& exact_values, const Array<Real>& model, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  const Real slack = pow(Real(2), -static_cast<int>(default_bits / 2));
  GoldenOutput out;
  out.shape = exact_values.shape();
  for (std::int64_t i = 0; i < exact_values.size(); ++i) {
    const Real& x = exact_values[i];
    const bool finite = !isnan(x) && !isinf(x);
    out.exact.push_back(x);
    out.bound.push_back(finite ? Real(model[i] + abs(x) * slack) : model[i]);
    out.digits.push_back(full_digits);
    out.rounded.push_back(round_to_double(rounded_to(x, catalog::format_of(dtype))));
    out.exact_text.push_back(finite ? to_decimal(x, 20) : (isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf")));
  }
  return out;
}

/// The candidate's outputs that the alternative also produces, checked as verify
/// checks them against a golden file. An output of another shape fails; no output
/// in common is a failure too: nothing was shown to match.
CaseVerdict judge(const NamedArrays<double>& candidate, const NamedArrays<Real>& exact_outputs,
                  const NamedArrays<Real>& model, const Entry& entry, Dtype dtype) {
  CaseVerdict v;
  bool compared = false, passed = true;
  double worst = -1;
  for (const auto& [name, got] : candidate) {
    const auto x = exact_outputs.find(name);
    if (x == exact_outputs.end()) continue;
    const auto b = model.find(name);
    if (b == model.end()) throw std::logic_error(entry.name + ": the error model has no bound for " + name);
    compared = true;
    double ratio = infinite_ratio;
    if (got.shape() == x->second.shape()) {
      const Dtype held = catalog::output_dtype(entry.outputs, name, dtype);
      const OutputCheck check = check_output(name, golden_output(x->second, b->second, held), got, catalog::dtype_name(held));
      passed = passed && check.passed();
      ratio = check.worst ? check.worst->ratio : 0;
    } else {
      passed = false;
    }
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
  std::optional<AlternativeCase> alt = alternative_case(entry, golden, a.changes);
  if (!alt) return std::nullopt;
  AlternativeOutputs out;
  try {
    out = {catalog::evaluate_at(entry, alt->c, default_bits), entry.error_bound(alt->c, dtype)};
  } catch (const InvalidInput&) {
    return std::nullopt;  // inputs the alternative's spec refuses (shapes, ranges)
  }
  for (const auto& [name, golden_name] : alt->golden_name)
    for (NamedArrays<Real>* arrays : {&out.exact, &out.bounds}) {
      auto node = arrays->extract(name);
      if (!node.empty()) {
        node.key() = golden_name;
        arrays->insert(std::move(node));
      }
    }
  return out;
}

bool nearer(const AlternativeResult& a, const AlternativeResult& b) {
  if (a.matches != b.matches) return a.matches;
  if (a.passed != b.passed) return a.passed > b.passed;
  return a.worst_ratio < b.worst_ratio;
}

}  // namespace

std::optional<AlternativeCase> alternative_case(const Entry& entry, const Case& golden, const catalog::Json& changes) {
  AlternativeCase alt{golden, {}};
  if (!force_fields(entry, alt.c, changes)) return std::nullopt;
  if (!entry.initial_state || !golden.inputs.contains("param")) return alt;
  // The slots the change drops and adds; exactly one of each is a rename.
  const Shape& shape = golden.inputs.at("param").shape();
  const NamedArrays<Real> before = entry.initial_state(golden.spec, shape);
  const NamedArrays<Real> after = entry.initial_state(alt.c.spec, shape);
  std::vector<std::string> dropped, added;
  for (const auto& [name, array] : before)
    if (!after.contains(name)) dropped.push_back(name);
  for (const auto& [name, array] : after)
    if (!before.contains(name)) added.push_back(name);
  if (dropped.size() == 1 && added.size() == 1 && golden.inputs.contains(dropped[0]) &&
      golden.inputs.at(dropped[0]).shape() == after.at(added[0]).shape()) {
    alt.c.inputs.insert_or_assign(added[0], golden.inputs.at(dropped[0]));
    alt.golden_name.emplace(added[0], dropped[0]);
  }
  return alt;
}

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
      const CaseVerdict v = judge(*cases[k].candidate, outputs->exact, outputs->bounds, entry, dtype);
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

}  // namespace gradref::cli::verify
