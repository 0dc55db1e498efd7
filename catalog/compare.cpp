#include "gradref/catalog/compare.hpp"

#include <cmath>
#include <sstream>

#include "gradref/catalog/evaluate.hpp"

namespace gradref::catalog {

std::string Comparison::describe() const {
  std::ostringstream s;
  s << (passed ? "passed" : "FAILED") << ", worst error/bound " << worst_ratio;
  if (!bound_finite) s << ", error model unbounded on some element";
  if (failure)
    s << "; " << failure->output << "[" << failure->index << "]: exact " << failure->exact << ", candidate "
      << to_hex(failure->candidate) << " (" << failure->candidate << "), bound " << failure->bound << " ("
      << failure->reason << ")";
  return s.str();
}

Comparison compare(const Entry& entry, const Case& c, Dtype dtype, const NamedArrays<double>& candidate) {
  const NamedArrays<Real> exact_outputs = evaluate_at(entry, c, default_bits);
  const NamedArrays<Real> bounds = entry.error_bound(c, dtype);
  ScopedPrecision precision(default_bits);
  // The reference's own rounding at 256 bits, far below any float64 bound.
  const Real reference_slack = pow(Real(2), -static_cast<int>(default_bits / 2));
  Comparison out;
  double worst_failure = -1;
  for (const auto& [name, exact_array] : exact_outputs) {
    auto it = candidate.find(name);
    if (it == candidate.end() || it->second.size() != exact_array.size()) {
      out.passed = false;
      out.failure = Mismatch{name, 0, "", 0, "", it == candidate.end() ? "missing output" : "wrong size"};
      return out;
    }
    const Array<Real>& bound_array = bounds.at(name);
    for (std::int64_t i = 0; i < exact_array.size(); ++i) {
      const Real& x = exact_array[i];
      const double got = it->second[i];
      const Real bound = bound_array[i] + abs(x) * reference_slack;
      if (isinf(bound) && !isinf(x) && !isnan(x)) out.bound_finite = false;  // an infinite exact value needs no bound
      double ratio;
      bool ok;
      if (isnan(x) || isinf(x)) {
        ok = std::isnan(got) ? bool(isnan(x)) : (std::isinf(got) && isinf(x) && (got > 0) == (x > 0));
        ratio = ok ? 0 : INFINITY;
      } else if (!std::isfinite(got)) {
        ok = isinf(bound);
        ratio = ok ? 0 : INFINITY;
      } else {
        const Real err = abs(exact(got) - x);
        ok = err <= bound;
        ratio = err == 0 ? 0 : (bound == 0 ? INFINITY : static_cast<double>(err / bound));
      }
      if (ratio > out.worst_ratio) out.worst_ratio = ratio;
      if (!ok) {
        out.passed = false;
        if (ratio > worst_failure) {
          worst_failure = ratio;
          out.failure = Mismatch{name, i, to_decimal(x, 20), got, to_decimal(bound, 6), "error exceeds bound"};
        }
      }
    }
  }
  return out;
}

}  // namespace gradref::catalog
