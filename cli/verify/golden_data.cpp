#include "verify/golden_data.hpp"

#include <mpfr.h>

#include <algorithm>
#include <limits>
#include <new>
#include <stdexcept>

namespace gradref::cli::verify {

bool integer_port(const std::vector<catalog::Port>& ports, const std::string& name) {
  for (const catalog::Port& p : ports)
    if (catalog::port_matches(p, name)) return p.integer;
  return false;
}

namespace {

/// Every finite output has a certified rounding in `dtype` (integer outputs are
/// written as the integers they are).
bool certified_in(const catalog::Entry& entry, const catalog::CertifiedOutputs& outputs, catalog::Dtype dtype) {
  for (const auto& [name, array] : outputs.outputs) {
    if (integer_port(entry.outputs, name)) continue;
    const catalog::Dtype held = catalog::output_dtype(entry.outputs, name, dtype);
    for (const catalog::CertifiedValue& v : array.values)
      if (!isnan(v.value) && !isinf(v.value) && !catalog::rounding_in(v, held)) return false;
  }
  return true;
}

}  // namespace

std::optional<CertifiedCase> certify_case(const catalog::Entry& entry, const catalog::Case& c, catalog::Dtype dtype) {
  CertifiedCase g{c,
                  catalog::evaluate_certified(entry, c, default_bits, full_digits, 4096, dtype == catalog::Dtype::bfloat16),
                  {}};
  if (!certified_in(entry, g.outputs, dtype)) return std::nullopt;
  const catalog::NamedArrays<Real> model = entry.error_bound(c, dtype);
  ScopedPrecision precision(default_bits);
  const Real slack = pow(Real(2), -static_cast<int>(default_bits / 2));  // as catalog::compare adds
  for (const auto& [name, array] : g.outputs.outputs) {
    const auto it = model.find(name);
    if (it == model.end()) throw std::logic_error(entry.name + ": the error model has no bound for " + name);
    Array<Real> bound = it->second;
    for (std::int64_t i = 0; i < bound.size(); ++i) {
      const Real& x = array.values[static_cast<std::size_t>(i)].value;
      if (!isnan(x) && !isinf(x)) bound[i] += abs(x) * slack;
    }
    g.bounds.emplace(name, std::move(bound));
  }
  return g;
}

int golden_digits(const catalog::CertifiedValue& v) { return std::min(v.digits, full_digits); }

std::string golden_exact_text(const catalog::CertifiedValue& v) {
  return v.digits > full_digits ? to_decimal(v.value, full_digits) : v.decimal;
}

double rounded_of(const catalog::CertifiedValue& v, catalog::Dtype dtype, bool integer) {
  if (integer && isfinite(v.value)) return round_to_double(v.value);
  if (isnan(v.value)) return std::numeric_limits<double>::quiet_NaN();
  if (isinf(v.value))
    return v.value > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  return *catalog::rounding_in(v, dtype);
}

std::string bound_text(const Real& bound) {
  if (isnan(bound) || isinf(bound)) return "inf";
  char* s = nullptr;
  if (mpfr_asprintf(&s, "%.5RUe", bound.backend().data()) < 0) throw std::bad_alloc();
  std::string out(s);
  mpfr_free_str(s);
  return out;
}

GoldenCase golden_case(const CertifiedCase& certified, catalog::Dtype dtype) {
  GoldenCase g{certified.c, {}};
  ScopedPrecision precision(default_bits);
  const catalog::Entry& entry = catalog::find(certified.c.op);
  for (const auto& [name, array] : certified.outputs.outputs) {
    const bool integer = integer_port(entry.outputs, name);
    GoldenOutput out;
    out.shape = array.shape;
    const Array<Real>& bounds = certified.bounds.at(name);
    for (std::size_t i = 0; i < array.values.size(); ++i) {
      const catalog::CertifiedValue& v = array.values[i];
      out.digits.push_back(golden_digits(v));
      out.exact_text.push_back(golden_exact_text(v));
      out.exact.push_back(at_working_precision(parse_real(out.exact_text.back())));
      out.rounded.push_back(rounded_of(v, catalog::output_dtype(entry.outputs, name, dtype), integer));
      out.bound.push_back(at_working_precision(parse_real(bound_text(bounds[static_cast<std::int64_t>(i)]))));
    }
    g.outputs.emplace_back(name, std::move(out));
  }
  return g;
}

}  // namespace gradref::cli::verify
