#include "gradref/testing/matchers.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/json.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::testing {
namespace {

// Longest case JSON a failure message carries; longer ones are cut (the case's
// seed and size reproduce it anyway).
constexpr std::size_t kCaseTextLimit = 4000;

template <class Outputs>
catalog::NamedArrays<double> widen_vectors(const Outputs& outputs) {
  catalog::NamedArrays<double> out;
  for (const auto& [name, values] : outputs) {
    std::vector<double> wide(values.begin(), values.end());
    const auto n = static_cast<std::int64_t>(wide.size());
    out.emplace(name, Array<double>(Shape{n}, std::move(wide)));
  }
  return out;
}

template <class T>
catalog::NamedArrays<double> widen_arrays(const catalog::NamedArrays<T>& outputs) {
  catalog::NamedArrays<double> out;
  for (const auto& [name, a] : outputs) out.emplace(name, a.template map<double>([](T x) { return double(x); }));
  return out;
}

/// The outputs named in `only`; throws InvalidInput if the op does not produce one.
template <class T>
catalog::NamedArrays<T> keep(const std::string& op, catalog::NamedArrays<T> all, const std::vector<std::string>& only) {
  catalog::NamedArrays<T> out;
  for (const std::string& name : only) {
    auto it = all.find(name);
    if (it == all.end()) {
      std::string names;
      for (const auto& item : all) names += (names.empty() ? "" : ", ") + item.first;
      throw InvalidInput(op, "Only", "\"" + name + "\"", "an output of the case: " + names);
    }
    out.insert(all.extract(it));
  }
  return out;
}

catalog::Entry restricted(const catalog::Entry& entry, const std::vector<std::string>& only) {
  catalog::Entry e = entry;
  if (only.empty()) return e;
  e.reference = [op = entry.name, reference = entry.reference, only](const Case& c) {
    return keep(op, reference(c), only);
  };
  e.error_bound = [op = entry.name, bound = entry.error_bound, only](const Case& c, Dtype d) {
    return keep(op, bound(c, d), only);
  };
  return e;
}

std::string names_of(const catalog::NamedArrays<double>& outputs) {
  std::string names;
  for (const auto& item : outputs) names += (names.empty() ? "" : ", ") + item.first;
  return names.empty() ? "(none)" : names;
}

std::string case_text(const Case& c) {
  std::string text = catalog::case_to_json(c).dump();
  if (text.size() > kCaseTextLimit) text = text.substr(0, kCaseTextLimit) + " ...(cut)";
  return text;
}

std::string ulps_text(double x) {
  std::ostringstream s;
  s.precision(4);
  s << x << " ULP";
  return s.str();
}

/// The spacing of the dtype's numbers at |value|: 2^(E - p + 1) for |value| in
/// [2^E, 2^(E+1)), the subnormal spacing below the normal range.
Real spacing(const Real& value, Dtype dtype) {
  const int digits = dtype == Dtype::float64 ? 53 : (dtype == Dtype::float32 ? 24 : 8);
  const int min_exponent = dtype == Dtype::float64 ? -1022 : -126;  // bfloat16: float32's exponent range
  int e = min_exponent + 1;  // frexp's form: |value| = f 2^e, f in [1/2, 1)
  if (value != 0) frexp(abs(value), &e);
  return ldexp(Real(1), std::max(e - 1, min_exponent) - (digits - 1));
}

}  // namespace

double ulps(const Real& value, double candidate, Dtype dtype) {
  if (isnan(value) || isinf(value) || !std::isfinite(candidate)) {
    const bool same = std::isnan(candidate) ? bool(isnan(value))
                                            : (std::isinf(candidate) && isinf(value) && (candidate > 0) == (value > 0));
    return same ? 0.0 : std::numeric_limits<double>::infinity();
  }
  ScopedPrecision precision(default_bits);
  return static_cast<double>(abs(exact(candidate) - value) / spacing(value, dtype));
}

catalog::NamedArrays<double> widen(const Outputs<float>& outputs) { return widen_vectors(outputs); }
catalog::NamedArrays<double> widen(const Outputs<double>& outputs) { return widen_vectors(outputs); }
catalog::NamedArrays<double> widen(const catalog::NamedArrays<float>& outputs) { return widen_arrays(outputs); }
catalog::NamedArrays<double> widen(const catalog::NamedArrays<double>& outputs) { return widen_arrays(outputs); }

Verdict check(const Case& c, Dtype dtype, const catalog::NamedArrays<double>& candidate,
              const std::vector<std::string>& only) {
  const catalog::Entry entry = restricted(catalog::find(c.op), only);
  Verdict v;
  v.comparison = catalog::compare(entry, c, dtype, candidate);
  v.passed = v.comparison.passed;
  std::ostringstream s;
  const char* dtype_text = catalog::dtype_name(dtype);
  if (v.passed) {
    s << c.op << " in " << dtype_text << ": every element within its error bound (worst error/bound "
      << v.comparison.worst_ratio << ")";
    if (!v.comparison.bound_finite) s << "; the error model does not bound some element";
    v.message = s.str();
    return v;
  }
  const catalog::Mismatch& worst = *v.comparison.failure;
  if (worst.reason != "error exceeds bound") {
    s << c.op << " in " << dtype_text << ": output " << worst.output << ": " << worst.reason;
    if (candidate.count(worst.output) != 0)
      s << " (" << candidate.at(worst.output).size() << " values given)";
    s << "; the candidate's outputs: " << names_of(candidate);
  } else {
    const catalog::NamedArrays<Real> exact_outputs = catalog::evaluate_at(entry, c, default_bits);
    const catalog::NamedArrays<Real> bounds = entry.error_bound(c, dtype);
    ScopedPrecision precision(default_bits);
    const Real& value = exact_outputs.at(worst.output)[worst.index];
    v.error_ulps = ulps(value, worst.candidate, dtype);
    const Real& bound = bounds.at(worst.output)[worst.index];
    v.bound_ulps = static_cast<double>(bound / spacing(value, dtype));
    s << c.op << " in " << dtype_text << ": worst element " << worst.output << "[" << worst.index << "] is "
      << ulps_text(v.error_ulps) << " of " << dtype_text << " from the exact value; the bound is "
      << ulps_text(v.bound_ulps) << " (error/bound " << v.comparison.worst_ratio << ")\n"
      << "  exact:     " << worst.exact << "\n"
      << "  candidate: " << to_hex(worst.candidate) << " (" << std::setprecision(dtype == Dtype::float64 ? 17 : 9)
      << worst.candidate << ")\n"
      << "  bound:     " << worst.bound;
  }
  s << "\n  case: " << case_text(c);
  v.message = s.str();
  return v;
}

void ReferenceMatcher::DescribeTo(std::ostream* os) const {
  *os << "matches the exact " << case_.op << " reference within its " << catalog::dtype_name(dtype_)
      << " error bound";
  if (!only_.empty()) {
    *os << " on outputs";
    for (const std::string& name : only_) *os << " " << name;
  }
}

void ReferenceMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "differs from the exact " << case_.op << " reference by more than its " << catalog::dtype_name(dtype_)
      << " error bound";
}

}  // namespace gradref::testing
