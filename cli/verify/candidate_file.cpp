#include "verify/candidate_file.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include "gradref/catalog/json.hpp"
#include "gradref/spec/errors.hpp"
#include "npz.hpp"
#include "verify/dtype_format.hpp"

namespace gradref::cli::verify {

namespace {

using catalog::Entry;
using catalog::Json;
using catalog::NamedArrays;

constexpr int format_version = 1;
constexpr const char* value_forms =
    "a JSON number, a hex-float string (\"0x1.8p-3\"), \"nan\", \"inf\" or \"-inf\"";

[[noreturn]] void bad(const std::string& field, const std::string& value, const std::string& expected) {
  throw InvalidInput("gradref", field, value, expected);
}

std::string excerpt(const Json& j) {
  std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

/// What the golden case says about one output a candidate may give.
struct OutputSlot {
  const Shape* shape;
  bool integer;
  bool in_double;  ///< held in double whatever the dtype (catalog::Port::held_in_double)
};

/// The outputs a case of the golden file has, with their shapes and whether they are integer ports.
std::map<std::string, OutputSlot> slots_of(const catalog::Entry& entry, const GoldenCase& g) {
  std::map<std::string, OutputSlot> out;
  for (const auto& [name, output] : g.outputs) {
    bool integer = false;
    for (const catalog::Port& p : entry.outputs) integer = integer || (catalog::port_matches(p, name) && p.integer);
    out.emplace(name, OutputSlot{&output.shape, integer, catalog::held_in_double(entry.outputs, name)});
  }
  return out;
}

std::string names_of(const std::map<std::string, OutputSlot>& slots) {
  std::string names;
  for (const auto& [name, slot] : slots) names += (names.empty() ? "" : ", ") + name;
  return names;
}

/// `d` itself, if it is a value the output can take: an integer for an integer
/// output, a value of the dtype otherwise (nan and the infinities included).
double checked(double d, const OutputSlot& slot, const FloatFormat& dtype_format, const std::string& field,
               const std::string& text) {
  const FloatFormat& format = slot.in_double ? float_format("float64") : dtype_format;
  if (slot.integer) {
    if (std::isfinite(d) && std::floor(d) != d) bad(field, text, "an integer (this output counts steps or classes)");
  } else if (!representable(d, format)) {
    bad(field, text,
        std::string("a value of ") + format.name + " (this is not one; e.g. write float32 values as Python's repr of "
                                                   "the float32 widened to float, or as hex-floats)");
  }
  return d;
}

/// One value of the candidate. Decimals denote the double nearest to them (what
/// every language's float printing round-trips to, e.g. Python's repr); hex-floats
/// must be exact. Either way the double must be a value of the dtype.
double value_of(const Json& x, const OutputSlot& slot, const FloatFormat& format, const std::string& field) {
  std::string text;
  if (x.is_number_integer()) {
    text = x.dump();
  } else if (x.is_string()) {
    text = x.get<std::string>();
  } else if (x.is_number_float()) {  // a Json built in code: the double is the value
    return checked(x.get<double>(), slot, format, field, excerpt(x));
  } else {
    bad(field, excerpt(x), value_forms);
  }
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (text == "nan" || text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "inf" || text == "+inf" || text == "Infinity") return inf;
  if (text == "-inf" || text == "-Infinity") return -inf;
  const bool syntax = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) ||
                                        ((text[0] == '-' || text[0] == '+' || text[0] == '.') && text.size() > 1));
  char* end = nullptr;
  const double d = syntax ? std::strtod(text.c_str(), &end) : 0;  // correctly rounded (glibc)
  if (!syntax || end != text.c_str() + text.size() || text.find_first_of("nN") != std::string::npos)
    bad(field, excerpt(x), value_forms);
  const bool hex = text.find_first_of("xX") != std::string::npos;
  if (std::isinf(d)) bad(field, excerpt(x), std::string("a finite value of ") + format.name + " (this overflows)");
  if (hex || d == 0) {
    // A hex-float must be a double exactly; a decimal that reads as 0 must be 0.
    ScopedPrecision precision(default_bits);
    if (parse_real(text) != exact(d))
      bad(field, excerpt(x),
          hex ? "a hex-float of at most 53 significant bits" : std::string("a value of ") + format.name +
                                                                    " (this underflows to 0)");
  }
  return checked(d, slot, format, field, excerpt(x));
}

void leaves(const Json& data, std::vector<const Json*>& out) {
  if (!data.is_array()) {
    out.push_back(&data);
    return;
  }
  for (const Json& item : data) leaves(item, out);
}

Array<double> array_of(const Json& j, const OutputSlot& slot, const FloatFormat& format, const std::string& field) {
  if (!j.is_object() || !j.contains("shape") || !j.contains("data"))
    bad(field, excerpt(j), "an object {\"shape\": [...], \"data\": [...]}");
  Shape shape;
  const Json& s = j["shape"];
  if (s.is_array())
    for (const Json& extent : s) shape.push_back(extent.is_number_unsigned() ? extent.get<std::int64_t>() : -1);
  if (!s.is_array() || shape != *slot.shape)
    bad(field + ".shape", excerpt(s), "the golden output's shape, " + shape_text(*slot.shape));
  std::vector<const Json*> values;
  leaves(j["data"], values);
  const std::int64_t count = element_count(shape);
  if (static_cast<std::int64_t>(values.size()) != count || (!j["data"].is_array() && !shape.empty()))
    bad(field + ".data", std::to_string(values.size()) + " values",
        std::to_string(count) + " values for shape " + shape_text(shape) + ", flat or nested as the shape");
  std::vector<double> out;
  out.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    out.push_back(value_of(*values[i], slot, format, field + ".data[" + std::to_string(i) + "]"));
  return Array<double>(std::move(shape), std::move(out));
}

NamedArrays<double> outputs_of(const Json& j, const std::map<std::string, OutputSlot>& slots,
                               const FloatFormat& format, const std::string& field) {
  if (!j.is_object()) bad(field, excerpt(j), "an object {NAME: {\"shape\": [...], \"data\": [...]}}");
  NamedArrays<double> out;
  for (const auto& item : j.items()) {
    const auto slot = slots.find(item.key());
    if (slot == slots.end())
      bad(field + "." + item.key(), "(not an output of this case)", "one of: " + names_of(slots));
    out.emplace(item.key(), array_of(item.value(), slot->second, format, field + "." + item.key()));
  }
  return out;
}

void check_trajectory_length(const CandidateCase& c, std::int64_t steps, const std::string& field) {
  if (steps == 0) bad(field, "given", "no trajectory: only update rules with a stacked grad input have one");
  if (static_cast<std::int64_t>(c.trajectory.size()) != steps)
    bad(field, std::to_string(c.trajectory.size()) + " steps",
        std::to_string(steps) + " entries, the outputs after each step of the case's grad");
}

void check_header(const Json& j, const GoldenFile& golden, CandidateFile& out, const std::string& prefix) {
  if (j.contains("op") && j["op"] != golden.op)
    bad(prefix + "op", excerpt(j["op"]), "the golden file's op, \"" + golden.op + "\"");
  if (j.contains("dtype") && j["dtype"] != golden.dtype)
    bad(prefix + "dtype", excerpt(j["dtype"]), "the golden file's dtype, \"" + golden.dtype + "\"");
  if (j.contains("implementation")) {
    if (!j["implementation"].is_string()) bad(prefix + "implementation", excerpt(j["implementation"]), "a string");
    out.implementation = j["implementation"].get<std::string>();
  }
}

CandidateFile parse_json(const std::string& text, const GoldenFile& golden) {
  Json j;
  {
    std::istringstream in(text);
    try {
      j = catalog::parse_json_exact(in);
    } catch (const InvalidInput& e) {
      bad("json", e.value(), e.expected());
    }
  }
  if (!j.is_object()) bad("document", excerpt(j), "a JSON object (format gradref-candidate)");
  if (!j.contains("format") || j["format"] != "gradref-candidate")
    bad("format", j.contains("format") ? excerpt(j["format"]) : "missing", "\"gradref-candidate\"");
  if (!j.contains("version") || j["version"] != format_version)
    bad("version", j.contains("version") ? excerpt(j["version"]) : "missing", "1");
  for (const char* key : {"op", "dtype", "cases"})
    if (!j.contains(key)) bad(key, "missing", "the golden file's " + std::string(key));
  CandidateFile out{golden.op, golden.dtype, "", {}};
  check_header(j, golden, out, "");
  const Entry& entry = catalog::find(golden.op);
  const FloatFormat& format = float_format(golden.dtype);
  const Json& cases = j["cases"];
  if (!cases.is_array() || cases.size() != golden.cases.size())
    bad("cases", cases.is_array() ? std::to_string(cases.size()) + " cases" : excerpt(cases),
        std::to_string(golden.cases.size()) + " cases, the golden file's, in its order");
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const std::string field = "cases[" + std::to_string(k) + "]";
    const Json& c = cases[k];
    if (!c.is_object()) bad(field, excerpt(c), "an object with \"outputs\" (and \"trajectory\"), or \"skipped\"");
    const GoldenCase& g = golden.cases[k];
    const auto slots = slots_of(entry, g);
    CandidateCase cc;
    if (c.contains("skipped")) {
      if (!c["skipped"].is_string()) bad(field + ".skipped", excerpt(c["skipped"]), "the reason, a string");
      if (c.contains("outputs") || c.contains("trajectory"))
        bad(field, "skipped with outputs", "either \"skipped\" or outputs, not both");
      cc.skipped = c["skipped"].get<std::string>();
    }
    if (c.contains("outputs")) cc.outputs = outputs_of(c["outputs"], slots, format, field + ".outputs");
    if (c.contains("trajectory")) {
      const Json& t = c["trajectory"];
      if (!t.is_array()) bad(field + ".trajectory", excerpt(t), "an array: the outputs after each step");
      for (std::size_t s = 0; s < t.size(); ++s)
        cc.trajectory.push_back(outputs_of(t[s], slots, format, field + ".trajectory[" + std::to_string(s) + "]"));
      check_trajectory_length(cc, steps_of(entry, g.c), field + ".trajectory");
    }
    out.cases.push_back(std::move(cc));
  }
  return out;
}

/// "case_0003/outputs/param.npy" -> (3, "", "param"); "case_0003/trajectory/1/param.npy" -> (3, "1", "param").
struct NpzName {
  std::size_t k = 0;
  std::optional<std::size_t> step;
  std::string output;
};

std::optional<std::size_t> index_of(const std::string& digits) {
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return static_cast<std::size_t>(std::stoul(digits));
}

std::optional<NpzName> npz_name(const std::string& name) {
  std::vector<std::string> parts;
  for (std::size_t at = 0;;) {
    const std::size_t slash = name.find('/', at);
    parts.push_back(name.substr(at, slash == std::string::npos ? std::string::npos : slash - at));
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  if (parts.size() < 3 || parts[0].rfind("case_", 0) != 0 || parts.back().size() <= 4 ||
      parts.back().compare(parts.back().size() - 4, 4, ".npy") != 0)
    return std::nullopt;
  NpzName out;
  const auto k = index_of(parts[0].substr(5));
  if (!k) return std::nullopt;
  out.k = *k;
  out.output = parts.back().substr(0, parts.back().size() - 4);
  if (parts.size() == 3 && parts[1] == "outputs") return out;
  if (parts.size() == 4 && parts[1] == "trajectory") {
    out.step = index_of(parts[2]);
    if (out.step) return out;
  }
  return std::nullopt;
}

CandidateFile parse_npz(const std::string& bytes, const GoldenFile& golden) {
  std::vector<npz::ZipEntry> entries;
  try {
    entries = npz::read_zip(bytes);
  } catch (const std::invalid_argument& e) {
    bad("CANDIDATE", e.what(), "a candidate .npz: an uncompressed zip of .npy files (numpy.savez)");
  }
  CandidateFile out{golden.op, golden.dtype, "", std::vector<CandidateCase>(golden.cases.size())};
  const Entry& entry = catalog::find(golden.op);
  const FloatFormat& format = float_format(golden.dtype);
  std::vector<std::map<std::size_t, NamedArrays<double>>> trajectories(golden.cases.size());
  for (const npz::ZipEntry& e : entries) {
    if (e.name == "candidate.json") {
      std::istringstream in(e.data);
      Json j;
      try {
        j = catalog::parse_json_exact(in);
      } catch (const InvalidInput& error) {
        bad("candidate.json", error.value(), error.expected());
      }
      if (!j.is_object()) bad("candidate.json", excerpt(j), "a JSON object (op, dtype, implementation, skipped)");
      check_header(j, golden, out, "candidate.json: ");
      if (j.contains("skipped")) {
        if (!j["skipped"].is_object()) bad("candidate.json: skipped", excerpt(j["skipped"]), "{\"K\": \"reason\"}");
        for (const auto& item : j["skipped"].items()) {
          const auto k = index_of(item.key());
          if (!k || *k >= golden.cases.size() || !item.value().is_string())
            bad("candidate.json: skipped." + item.key(), excerpt(item.value()),
                "a case index below " + std::to_string(golden.cases.size()) + " and the reason, a string");
          out.cases[*k].skipped = item.value().get<std::string>();
        }
      }
      continue;
    }
    const std::optional<NpzName> name = npz_name(e.name);
    if (!name) continue;  // other arrays (inputs a script kept, say) are not the candidate's outputs
    if (name->k >= golden.cases.size())
      bad(e.name, "case " + std::to_string(name->k), "a case index below " + std::to_string(golden.cases.size()));
    const auto slots = slots_of(entry, golden.cases[name->k]);
    const auto slot = slots.find(name->output);
    if (slot == slots.end()) bad(e.name, "(not an output of this case)", "one of: " + names_of(slots));
    npz::NpyArray npy;
    std::vector<double> values;
    try {
      npy = npz::parse_npy(e.data);
      values = npz::npy_values(npy);
    } catch (const std::invalid_argument& error) {
      bad(e.name, error.what(), "a .npy array of float32, float64 or integers, C order");
    }
    if (npy.shape != *slot->second.shape)
      bad(e.name + ".shape", shape_text(npy.shape), "the golden output's shape, " + shape_text(*slot->second.shape));
    for (std::size_t i = 0; i < values.size(); ++i)
      checked(values[i], slot->second, format, e.name + "[" + std::to_string(i) + "]", to_hex(values[i]));
    Array<double> array(npy.shape, std::move(values));
    if (name->step)
      trajectories[name->k][*name->step].insert_or_assign(name->output, std::move(array));
    else
      out.cases[name->k].outputs.insert_or_assign(name->output, std::move(array));
  }
  for (std::size_t k = 0; k < golden.cases.size(); ++k) {
    const std::string field = "case_" + std::to_string(k) + "/trajectory";
    std::size_t expected_step = 0;
    for (auto& [step, outputs] : trajectories[k]) {
      if (step != expected_step) bad(field, "no step " + std::to_string(expected_step), "steps 0, 1, ... without gaps");
      out.cases[k].trajectory.push_back(std::move(outputs));
      ++expected_step;
    }
    if (!out.cases[k].trajectory.empty()) check_trajectory_length(out.cases[k], steps_of(entry, golden.cases[k].c), field);
    if (out.cases[k].skipped && (!out.cases[k].outputs.empty() || !out.cases[k].trajectory.empty()))
      bad("candidate.json: skipped." + std::to_string(k), "skipped with outputs", "either skipped or outputs, not both");
  }
  return out;
}

}  // namespace

std::int64_t steps_of(const catalog::Entry& entry, const catalog::Case& c) {
  if (entry.kind != "rule") return 0;
  const auto grad = c.inputs.find("grad");
  const auto param = c.inputs.find("param");
  if (grad == c.inputs.end() || param == c.inputs.end()) return 0;
  return grad->second.rank() > param->second.rank() ? grad->second.extent(0) : 1;
}

CandidateFile parse_candidate(const std::string& bytes, const GoldenFile& golden) {
  return is_zip(bytes) ? parse_npz(bytes, golden) : parse_json(bytes, golden);
}

CandidateFile read_candidate(const std::string& path, const GoldenFile& golden) {
  return parse_candidate(read_file_bytes(path, "CANDIDATE"), golden);
}

}  // namespace gradref::cli::verify
