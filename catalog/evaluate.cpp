#include "gradref/catalog/evaluate.hpp"

#include <cmath>

namespace gradref::catalog {

namespace {
// Digits a p-bit number can carry: floor(p log10 2).
int digits_of_bits(unsigned bits) { return static_cast<int>(std::floor(bits * 0.30102999566398120)); }
}  // namespace

std::optional<double> rounding_in(const CertifiedValue& v, Dtype dtype) {
  switch (dtype) {
    case Dtype::float32: return v.float32 ? std::optional<double>(*v.float32) : std::nullopt;
    case Dtype::bfloat16: return v.bfloat16 ? std::optional<double>(*v.bfloat16) : std::nullopt;
    case Dtype::float64: break;
  }
  return v.float64;
}

NamedArrays<Real> evaluate_at(const Entry& entry, const Case& c, unsigned bits) {
  ScopedPrecision precision(bits);
  Case local{c.op, c.spec, {}};
  for (const auto& [name, array] : c.inputs)
    local.inputs.emplace(name, array.map<Real>([](const Real& x) { return at_working_precision(x); }));
  return entry.reference(local);
}

CertifiedValue certify(const Real& lo, const Real& hi, unsigned bits) {
  CertifiedValue v;
  v.value = hi;
  v.digits = agreeing_digits(lo, hi, digits_of_bits(bits));
  v.decimal = to_decimal(hi, std::max(v.digits, 1));
  // The 2p value is trusted to p bits beyond its disagreement with the p value, so a
  // value that p bits cannot place on one side of a float midpoint stays uncertified
  // (two evaluations that both drop the same tiny term agree exactly).
  const Real resolution = pow(Real(2), -static_cast<int>(bits));
  const Real err = isnan(hi) || isinf(hi) ? Real(0) : Real(abs(hi - lo) + abs(hi) * resolution);
  float f;
  double d;
  if (certified_round(hi, err, f)) v.float32 = f;
  if (certified_round(hi, err, d)) v.float64 = d;
  if (certified_round_bfloat16(hi, err, f)) v.bfloat16 = f;
  return v;
}

namespace {
CertifiedOutputs evaluate_once(const Entry& entry, const Case& c, unsigned bits) {
  const NamedArrays<Real> low = evaluate_at(entry, c, bits);
  const NamedArrays<Real> high = evaluate_at(entry, c, 2 * bits);
  ScopedPrecision precision(2 * bits);
  CertifiedOutputs out;
  out.bits = bits;
  for (const Port& port : entry.outputs)
    for (std::int64_t l = is_port_family(port) ? 1 : 0;; ++l) {  // a family: name_1, name_2, ... while present
      const std::string name = port_member(port, l);
      auto it = high.find(name);
      if (it == high.end()) break;  // optional output absent under this spec, or the family's end
      const Array<Real>& hi = it->second;
      const Array<Real>& lo = low.at(name);
      CertifiedArray arr{hi.shape(), {}};
      for (std::int64_t i = 0; i < hi.size(); ++i) arr.values.push_back(certify(lo[i], hi[i], bits));
      out.outputs.emplace_back(name, std::move(arr));
      if (l == 0) break;
    }
  return out;
}

bool integer_output(const Entry& entry, const std::string& name) {
  for (const Port& p : entry.outputs)
    if (port_matches(p, name)) return p.integer;
  return false;
}

/// Every finite value has `min_digits` digits and certified float32/float64
/// roundings, and a certified bfloat16 rounding where `bfloat16` asks for one
/// (integer outputs aside: a step counter such as 257, a bfloat16 midpoint, is
/// reported as the integer it is, and no p certifies its bfloat16 rounding).
bool certified_enough(const Entry& entry, const CertifiedOutputs& out, int min_digits, bool bfloat16) {
  for (const auto& [name, arr] : out.outputs) {
    const bool needs_bfloat16 = bfloat16 && !integer_output(entry, name);
    for (const CertifiedValue& v : arr.values)
      if (!isnan(v.value) && !isinf(v.value) &&
          (v.digits < min_digits || !v.float32 || !v.float64 || (needs_bfloat16 && !v.bfloat16)))
        return false;
  }
  return true;
}

/// An exact zero at p and 2p is no evidence of a zero: a cancellation deeper than
/// 2p bits gives 0 at both (Adam with m0 = -eps and theta = -lr cancels to 1e-300).
/// Each such zero must still be 0 at 4p; false names a zero that is not.
bool zeros_confirmed(const Entry& entry, const Case& c, const CertifiedOutputs& out) {
  bool any = false;
  for (const auto& [name, arr] : out.outputs)
    for (const CertifiedValue& v : arr.values) any = any || v.value == 0;
  if (!any) return true;
  const NamedArrays<Real> check = evaluate_at(entry, c, 4 * out.bits);
  for (const auto& [name, arr] : out.outputs)
    for (std::size_t i = 0; i < arr.values.size(); ++i)
      if (arr.values[i].value == 0 && check.at(name)[static_cast<std::int64_t>(i)] != 0) return false;
  return true;
}
}  // namespace

CertifiedOutputs evaluate_certified(const Entry& entry, const Case& c, unsigned bits, int min_digits,
                                    unsigned max_bits, bool bfloat16) {
  CertifiedOutputs out = evaluate_once(entry, c, bits);
  while ((!certified_enough(entry, out, min_digits, bfloat16) || !zeros_confirmed(entry, c, out)) && 2 * out.bits <= max_bits)
    out = evaluate_once(entry, c, 2 * out.bits);
  if (!zeros_confirmed(entry, c, out))  // a zero max_bits could not confirm is not certified
    for (auto& [name, arr] : out.outputs)
      for (CertifiedValue& v : arr.values)
        if (v.value == 0) {
          v.digits = 0;
          v.float32.reset();
          v.float64.reset();
          v.bfloat16.reset();
        }
  return out;
}

}  // namespace gradref::catalog
