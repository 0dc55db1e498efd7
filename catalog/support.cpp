#include "gradref/catalog/support.hpp"

#include "gradref/fast/reduction.hpp"
#include "gradref/spec/errors.hpp"

#include <stdexcept>

namespace gradref::catalog {

namespace {
constexpr const char* kLayerIndex = "<l>";
}  // namespace

bool is_port_family(const Port& port) { return port.name.find(kLayerIndex) != std::string::npos; }

std::int64_t port_index(const Port& port, const std::string& name) {
  const std::size_t at = port.name.find(kLayerIndex);
  if (at == std::string::npos) return name == port.name ? 0 : -1;
  const std::string prefix = port.name.substr(0, at), suffix = port.name.substr(at + 3);
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return -1;
  const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.size() > 9 || digits[0] < '1' || digits[0] > '9') return -1;
  std::int64_t l = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') return -1;
    l = 10 * l + (ch - '0');
  }
  return l;
}

bool held_in_double(const std::vector<Port>& outputs, const std::string& name) {
  for (const Port& p : outputs)
    if (port_matches(p, name)) return p.held_in_double;
  return false;
}

Dtype output_dtype(const std::vector<Port>& outputs, const std::string& name, Dtype dtype) {
  return held_in_double(outputs, name) ? Dtype::float64 : dtype;
}

bool port_matches(const Port& port, const std::string& name) { return port_index(port, name) >= 0; }

std::string port_member(const Port& port, std::int64_t l) {
  const std::size_t at = port.name.find(kLayerIndex);
  if (at == std::string::npos) return port.name;
  return port.name.substr(0, at) + std::to_string(l) + port.name.substr(at + 3);
}

const Array<Real>& input(const Case& c, const std::string& name) {
  auto it = c.inputs.find(name);
  if (it == c.inputs.end()) throw InvalidInput(c.op, "inputs." + name, "missing", "an array named " + name);
  return it->second;
}

template <class T>
std::vector<T> exact_values(const Array<Real>& a, const std::string& op, const std::string& name) {
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(a.size()));
  for (std::int64_t i = 0; i < a.size(); ++i) {
    const T x = std::is_same_v<T, float> ? static_cast<T>(round_to_float(a[i])) : static_cast<T>(round_to_double(a[i]));
    if (!(exact(static_cast<double>(x)) == a[i]) && !(isnan(a[i]) && x != x))
      throw InvalidInput(op, name + "[" + std::to_string(i) + "]", to_decimal(a[i], 40),
                         std::string("a value exactly representable in ") +
                             (std::is_same_v<T, float> ? "float32" : "float64"));
    out.push_back(x);
  }
  return out;
}
template std::vector<float> exact_values<float>(const Array<Real>&, const std::string&, const std::string&);
template std::vector<double> exact_values<double>(const Array<Real>&, const std::string&, const std::string&);

std::int64_t integer_value(const Real& x, const std::string& op, const std::string& field) {
  if (isnan(x) || isinf(x) || floor(x) != x || abs(x) > Real(9007199254740992.0))
    throw InvalidInput(op, field, to_decimal(x, 20), "an integer");
  return x.convert_to<std::int64_t>();
}

std::vector<std::int64_t> integer_values(const Array<Real>& a, const std::string& op, const std::string& name) {
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(a.size()));
  for (std::int64_t i = 0; i < a.size(); ++i)
    out.push_back(integer_value(a[i], op, name + "[" + std::to_string(i) + "]"));
  return out;
}

Format format_of(Dtype dtype) {
  switch (dtype) {
    case Dtype::float32: return Format::float32;
    case Dtype::float64: return Format::float64;
    case Dtype::bfloat16: return Format::bfloat16;
  }
  throw std::logic_error("format_of: unknown dtype");
}

Array<Tracked> tracked(const Array<Real>& a, Dtype dtype) {
  const Format f = format_of(dtype);
  return a.map<Tracked>([f](const Real& x) { return Tracked(x, f); });
}

Array<Real> errors_of(const Array<Tracked>& a) {
  return a.map<Real>([](const Tracked& x) { return x.error(); });
}
Array<Real> values_of(const Array<Tracked>& a) {
  return a.map<Real>([](const Tracked& x) { return x.value(); });
}

RoundingModel fast_rounding_model() {
  RoundingModel m;
  m.exp_ulps = 1;  // hwy/contrib/math Exp: "Max Error: ULP = 1"
  m.log_ulps = 4;  // hwy Log: 4 ULP; the C library's log (<= 1 ULP) is within it
  m.pow_ulps = 1;  // glibc pow, in double, for per-step scalars
  m.sum_depth = [](std::int64_t n) { return fast::sum_depth(n); };
  return m;
}

}  // namespace gradref::catalog
