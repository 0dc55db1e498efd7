#include "gradref/catalog/json.hpp"

#include <mpfr.h>

#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "gradref/spec/errors.hpp"

namespace gradref::catalog {

namespace {

// nlohmann's DOM builder, except that a floating-point number is stored as its
// original text (a JSON string): "0.1" must reach parse_real as "0.1", not as the
// double nearest it. Integers stay integers; nlohmann reads them exactly (up to
// 64 bits; longer integer literals arrive here as floating-point text). One loss
// remains: the literal -0 is an integer, so it reads as 0; write -0.0 or "-0".
class ExactNumbers : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  using json_sax_dom_parser::json_sax_dom_parser;

  bool number_float(Json::number_float_t /*rounded*/, const Json::string_t& text) {
    Json::string_t copy = text;
    return json_sax_dom_parser::string(copy);
  }

  // Printing a value (error messages) recurses once per level: bound the depth so
  // that no input can exhaust the stack. A case needs one level per array axis.
  bool start_object(std::size_t size) { return enter() && json_sax_dom_parser::start_object(size); }
  bool start_array(std::size_t size) { return enter() && json_sax_dom_parser::start_array(size); }
  bool end_object() { return leave() && json_sax_dom_parser::end_object(); }
  bool end_array() { return leave() && json_sax_dom_parser::end_array(); }

  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& last_token, const Exception& e) {
    std::string message = e.what();
    if (const auto close = message.find("] "); message.rfind("[json.exception", 0) == 0 && close != std::string::npos)
      message.erase(0, close + 2);
    std::string token = last_token.size() > 40 ? last_token.substr(0, 40) + "..." : last_token;
    if (message.find("number overflow") != std::string::npos)
      message += "; write numbers beyond double's range as strings, e.g. \"1e400\"";
    throw InvalidInput("case", "json", "'" + token + "'", "valid JSON (" + message + ")");
  }

 private:
  static constexpr std::size_t max_depth = 64;
  std::size_t depth_ = 0;

  bool enter() {
    if (++depth_ > max_depth)
      throw InvalidInput("case", "json", "more than " + std::to_string(max_depth) + " nested arrays or objects",
                         "JSON nested at most " + std::to_string(max_depth) + " deep");
    return true;
  }
  bool leave() {
    --depth_;
    return true;
  }
};

// A JSON value as text for an error message, cut short if long.
std::string excerpt(const Json& j) {
  std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return text.size() > 80 ? text.substr(0, 77) + "..." : text;
}

std::string names_of(const std::vector<Port>& ports) {
  std::string out;
  for (const Port& p : ports) out += (out.empty() ? "" : ", ") + p.name;
  return out;
}

const Port* port_named(const std::vector<Port>& ports, const std::string& name) {
  for (const Port& p : ports)
    if (port_matches(p, name)) return &p;
  return nullptr;
}

Shape shape_from_json(const Json& j, const std::string& op, const std::string& field) {
  const char* expected = "an array of integers >= 0, e.g. [2, 3] ([] for a scalar)";
  if (!j.is_array()) throw InvalidInput(op, field, excerpt(j), expected);
  Shape shape;
  for (const Json& extent : j) {
    if (!extent.is_number_integer() || extent.get<std::int64_t>() < 0 ||
        (extent.is_number_unsigned() && extent.get<std::uint64_t>() > std::uint64_t{INT64_MAX}))
      throw InvalidInput(op, field, excerpt(j), expected);
    shape.push_back(extent.get<std::int64_t>());
  }
  return shape;
}

// Element count, or -1 when it does not fit in 63 bits (no data array can fill it).
std::int64_t checked_count(const Shape& shape) {
  std::int64_t n = 1;
  for (std::int64_t extent : shape) {
    if (extent != 0 && n > std::numeric_limits<std::int64_t>::max() / extent) return -1;
    n *= extent;
  }
  return n;
}

// Row-major leaves of `data`, either flat or nested exactly as `shape` says
// (NumPy's tolist()); a scalar shape also accepts a bare value.
void flatten(const Json& data, const Shape& shape, std::size_t axis, std::vector<const Json*>& out, bool& nested_ok) {
  if (axis == shape.size() || !data.is_array()) {
    nested_ok = nested_ok && axis == shape.size();
    out.push_back(&data);
    return;
  }
  if (static_cast<std::int64_t>(data.size()) != shape[axis]) nested_ok = false;
  for (const Json& item : data) flatten(item, shape, axis + 1, out, nested_ok);
}

std::vector<const Json*> leaves(const Json& data, const Shape& shape, const std::string& op, const std::string& field) {
  const std::int64_t count = checked_count(shape);
  if (count < 0) throw InvalidInput(op, field, "shape " + shape_text(shape), "a shape with fewer than 2^63 elements");
  const std::string expected = std::to_string(count) + " values for shape " + shape_text(shape) +
                               ", flat or nested as the shape";
  std::vector<const Json*> out;
  if (!data.is_array()) {
    if (shape.empty()) return {&data};
    throw InvalidInput(op, field, data.is_string() || data.is_number() ? "a single value" : data.type_name(),
                       expected);
  }
  bool flat = true;
  for (const Json& x : data) flat = flat && !x.is_array();
  if (flat) {
    if (static_cast<std::int64_t>(data.size()) != count)
      throw InvalidInput(op, field, std::to_string(data.size()) + " values", expected);
    for (const Json& x : data) out.push_back(&x);
    return out;
  }
  bool nested_ok = true;
  flatten(data, shape, 0, out, nested_ok);
  if (!nested_ok || static_cast<std::int64_t>(out.size()) != count)
    throw InvalidInput(op, field, "nesting that does not match the shape", expected);
  return out;
}

Real value_from_json(const Json& x, const Port& port, const std::string& op, const std::string& field) {
  Real r;
  if (x.is_number_integer()) {
    r = parse_real(x.dump());  // exact whatever the working precision
  } else if (x.is_number_float()) {
    r = exact(x.get<double>());  // a Json built in code, not parsed: the double is the value
  } else if (x.is_string()) {
    try {
      r = parse_real(x.get<std::string>());
    } catch (const std::invalid_argument&) {
      throw InvalidInput(op, field, excerpt(x), "a number: decimal or hex-float string");
    }
  } else {
    throw InvalidInput(op, field, excerpt(x), "a number: JSON number, decimal or hex-float string");
  }
  if (port.integer && (isnan(r) || isinf(r) || floor(r) != r))
    throw InvalidInput(op, field, excerpt(x), "an integer");
  return r;
}

// An input is {"shape": [...], "data": [...]} with data flat or nested as the shape,
// a bare (nested) array whose nesting gives the shape, or a bare number for shape [].
Array<Real> array_from_json(const Json& j, const Port& port, const std::string& op) {
  const std::string field = "inputs." + port.name;
  Shape shape;
  const Json* data = &j;
  if (j.is_object()) {
    for (const auto& item : j.items())
      if (item.key() != "shape" && item.key() != "data")
        throw InvalidInput(op, field + "." + item.key(), "(unknown field)", "\"shape\" and \"data\"");
    if (!j.contains("shape")) throw InvalidInput(op, field + ".shape", "missing", "an array of integers >= 0");
    if (!j.contains("data")) throw InvalidInput(op, field + ".data", "missing", "an array of numbers");
    shape = shape_from_json(j["shape"], op, field + ".shape");
    data = &j["data"];
  } else if (j.is_array()) {
    for (const Json* level = &j; level->is_array(); level = &level->front()) {
      shape.push_back(static_cast<std::int64_t>(level->size()));
      if (level->empty()) break;
    }
  } else if (!j.is_number() && !j.is_string()) {
    throw InvalidInput(op, field, excerpt(j),
                       "{\"shape\": [...], \"data\": [...]}, a nested array, or a single number for shape []");
  }
  const std::vector<const Json*> values = leaves(*data, shape, op, field + ".data");
  std::vector<Real> out;
  out.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    out.push_back(value_from_json(*values[i], port, op, field + "[" + std::to_string(i) + "]"));
  return Array<Real>(std::move(shape), std::move(out));
}

std::string preset_from_json(const Json& j, const Entry& entry) {
  if (!j.contains("preset")) return "";
  std::string names;
  for (const Preset& p : entry.presets) {
    names += (names.empty() ? "" : ", ") + p.name;
    if (j["preset"].is_string() && j["preset"].get<std::string>() == p.name) return p.name;
  }
  throw InvalidInput(entry.name, "preset", excerpt(j["preset"]), "one of: " + names);
}

// Exact text of a case value: an integer when it is one (and not -0), the double's
// hex-float when it is a double, else MPFR's exact hex-float at its own precision.
Json value_to_json(const Real& x) {
  if (isnan(x) || isinf(x)) return to_decimal(x, 1);
  if (floor(x) == x && abs(x) <= Real(9007199254740992.0) && !(x == 0 && signbit(x)))
    return x.convert_to<std::int64_t>();
  const double d = round_to_double(x);
  if (std::isfinite(d) && exact(d) == x) return to_hex(d);
  char* s = nullptr;
  if (mpfr_asprintf(&s, "%Ra", x.backend().data()) < 0) throw std::bad_alloc();
  std::string out(s);
  mpfr_free_str(s);
  return out;
}

// float32/float64 results are JSON numbers, written by nlohmann as the shortest
// decimal that reads back as the same double. A float32 result is stored as its
// (exactly equal) double, so the text is e.g. 0.10000000149011612 for 0.1f:
// json.load gives a Python float exactly equal to the float32, np.float32 of it
// is the same float, and no reader has to know the text is float32-shortest.
// Non-finite values are the strings "inf", "-inf", "nan"; values whose rounding
// the p/2p comparison could not certify are null.
template <class F>
Json rounded_to_json(const std::optional<F>& x) {
  if (!x) return nullptr;
  if (std::isnan(*x)) return "nan";
  if (std::isinf(*x)) return *x > 0 ? "inf" : "-inf";
  return static_cast<double>(*x);
}

}  // namespace

Json parse_json_exact(std::istream& in) {
  Json out;
  ExactNumbers sax(out);
  Json::sax_parse(in, &sax);
  return out;
}

Case case_from_json(const Json& j) {
  if (!j.is_object()) throw InvalidInput("case", "case", j.type_name(), "a JSON object with \"op\" and \"inputs\"");
  if (!j.contains("op") || !j["op"].is_string())
    throw InvalidInput("case", "op", j.contains("op") ? excerpt(j["op"]) : "missing", "the name of an op (gradref ops)");
  const Entry& entry = find(j["op"].get<std::string>());
  const std::string& op = entry.name;
  for (const auto& item : j.items())
    if (item.key() != "op" && item.key() != "preset" && item.key() != "spec" && item.key() != "inputs")
      throw InvalidInput(op, item.key(), "(unknown field)", "one of: op, preset, spec, inputs");

  Case c;
  c.op = op;
  const std::string preset = preset_from_json(j, entry);
  c.spec = entry.make_spec(j.contains("spec") ? j["spec"] : Json::object(), preset);

  const Json empty = Json::object();
  const Json& inputs = j.contains("inputs") ? j["inputs"] : empty;
  if (!inputs.is_object())
    throw InvalidInput(op, "inputs", excerpt(inputs), "an object {name: {\"shape\": [...], \"data\": [...]}}");
  for (const auto& item : inputs.items()) {
    const Port* port = port_named(entry.inputs, item.key());
    if (!port) throw InvalidInput(op, "inputs." + item.key(), "unknown", "one of: " + names_of(entry.inputs));
    c.inputs.emplace(item.key(), array_from_json(item.value(), *port, op));
  }
  for (const Port& port : entry.inputs)
    if (!port.optional && !is_port_family(port) && !c.inputs.contains(port.name))
      throw InvalidInput(op, "inputs." + port.name, "missing",
                         "an array " + port.shape + ": {\"shape\": [...], \"data\": [...]}");
  return c;
}

Json case_to_json(const Case& c) {
  Json inputs = Json::object();
  for (const auto& [name, array] : c.inputs) {
    Json data = Json::array();
    for (const Real& x : array.values()) data.push_back(value_to_json(x));
    inputs[name] = {{"shape", array.shape()}, {"data", std::move(data)}};
  }
  return {{"op", c.op}, {"spec", c.spec}, {"inputs", std::move(inputs)}};
}

Json certified_to_json(const CertifiedArray& array) {
  Json digits = Json::array(), exact_text = Json::array(), f32 = Json::array(), f64 = Json::array();
  for (const CertifiedValue& v : array.values) {
    digits.push_back(v.digits);
    exact_text.push_back(v.decimal);
    f32.push_back(rounded_to_json(v.float32));
    f64.push_back(rounded_to_json(v.float64));
  }
  return {{"shape", array.shape}, {"digits", std::move(digits)}, {"exact", std::move(exact_text)},
          {"float32", std::move(f32)}, {"float64", std::move(f64)}};
}

Json outputs_to_json(const Case& c, const CertifiedOutputs& outputs) {
  Json named = Json::object();
  for (const auto& [name, array] : outputs.outputs) named[name] = certified_to_json(array);
  return {{"op", c.op}, {"spec", c.spec}, {"bits", outputs.bits}, {"outputs", std::move(named)}};
}

Json error_to_json(const InvalidInput& e) {
  return {{"error",
           {{"op", e.op()}, {"field", e.field()}, {"value", e.value()}, {"expected", e.expected()},
            {"message", e.what()}}}};
}

}  // namespace gradref::catalog
