#pragma once
// The content of a golden case, computed: certified exact outputs, the error
// model's bounds plus the reference's slack, and their text as a golden file
// writes it. `gradref golden` writes it; tests and `verify` build golden cases in
// memory from it, identical to what reading the written file gives.
#include <optional>
#include <string>
#include <vector>

#include "gradref/catalog/evaluate.hpp"
#include "verify/golden_file.hpp"

namespace gradref::cli::verify {

struct CertifiedCase {
  catalog::Case c;
  catalog::CertifiedOutputs outputs;
  catalog::NamedArrays<Real> bounds;  ///< per output: the error model's bound plus the reference's own slack
};

/// Evaluates `c` certified (catalog::evaluate_certified at 256 bits, 40 digits)
/// with the error model's bounds in `dtype` plus |exact| 2^-128. nullopt when some
/// finite output's rounding in `dtype` cannot be certified at 4096 bits. Throws
/// what the op throws on an invalid case.
std::optional<CertifiedCase> certify_case(const catalog::Entry& entry, const catalog::Case& c, catalog::Dtype dtype);

/// The `digits` and `exact` a golden file writes for a value: at most 40 digits.
int golden_digits(const catalog::CertifiedValue& v);
std::string golden_exact_text(const catalog::CertifiedValue& v);

/// The value correctly rounded to `dtype` (nan and infinities as such); for an
/// integer output (a step counter, which kernels keep as an integer) the integer
/// itself, which bfloat16 (beyond 256) or float32 (beyond 2^24) may not hold.
double rounded_of(const catalog::CertifiedValue& v, catalog::Dtype dtype, bool integer);

/// Whether the port called `name` among `ports` holds integers (step counters, class indices).
bool integer_port(const std::vector<catalog::Port>& ports, const std::string& name);

/// A bound as a golden file writes it: upward-rounded decimal with 6 significant
/// digits ("inf" if not finite), so still a bound.
std::string bound_text(const Real& bound);

/// The golden case as read back from a file holding it.
GoldenCase golden_case(const CertifiedCase& certified, catalog::Dtype dtype);

}  // namespace gradref::cli::verify
