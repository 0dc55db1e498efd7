#include "verify/golden_file.hpp"

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "gradref/catalog/json.hpp"
#include "gradref/spec/errors.hpp"
#include "npz.hpp"
#include "verify/dtype_format.hpp"

namespace gradref::cli::verify {

namespace {

using catalog::Json;

constexpr int format_version = 1;

[[noreturn]] void bad(const std::string& path, const std::string& where, const std::string& value,
                      const std::string& expected) {
  throw InvalidInput("gradref", "GOLDEN", "\"" + path + "\": " + where + " = " + value, expected);
}

std::string excerpt(const Json& j) {
  std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

const Json& member(const Json& object, const std::string& key, const std::string& path, const std::string& where) {
  if (!object.contains(key)) bad(path, where + key, "missing", "a golden file as gradref golden writes it");
  return object[key];
}

std::string text_of(const Json& j, const std::string& path, const std::string& where) {
  if (!j.is_string()) bad(path, where, excerpt(j), "a string");
  return j.get<std::string>();
}

/// A value of the file: its exact decimal or hex text, rounded once to 256 bits.
Real real_of(const Json& j, const std::string& path, const std::string& where) {
  const std::string text = j.is_string() ? j.get<std::string>() : j.dump();
  try {
    ScopedPrecision precision(default_bits);
    return at_working_precision(parse_real(text));
  } catch (const std::invalid_argument&) {
    bad(path, where, excerpt(j), "a number (decimal or hex-float string)");
  }
}

const Json& array_member(const Json& output, const char* key, std::size_t count, const std::string& path,
                         const std::string& where) {
  const Json& a = member(output, key, path, where);
  if (!a.is_array() || a.size() != count)
    bad(path, where + key, excerpt(a), std::to_string(count) + " values, one per element of the output's shape");
  return a;
}

GoldenOutput output_of(const Json& j, const std::string& path, const std::string& where) {
  if (!j.is_object()) bad(path, where, excerpt(j), "an object {shape, digits, exact, rounded, bound}");
  GoldenOutput out;
  const Json& shape = member(j, "shape", path, where);
  if (!shape.is_array()) bad(path, where + "shape", excerpt(shape), "an array of extents");
  std::size_t count = 1;
  for (const Json& extent : shape) {
    if (!extent.is_number_unsigned() || extent.get<std::uint64_t>() > (std::uint64_t{1} << 40))
      bad(path, where + "shape", excerpt(shape), "an array of extents >= 0");
    out.shape.push_back(extent.get<std::int64_t>());
    count *= extent.get<std::size_t>();
  }
  const Json& digits = array_member(j, "digits", count, path, where);
  const Json& exact = array_member(j, "exact", count, path, where);
  const Json& rounded = array_member(j, "rounded", count, path, where);
  const Json& bound = array_member(j, "bound", count, path, where);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string at = "[" + std::to_string(i) + "]";
    if (!digits[i].is_number_integer() || digits[i].get<std::int64_t>() < 0 || digits[i].get<std::int64_t>() > 1000)
      bad(path, where + "digits" + at, excerpt(digits[i]), "a number of digits >= 0");
    out.digits.push_back(digits[i].get<int>());
    out.exact_text.push_back(text_of(exact[i], path, where + "exact" + at));
    out.exact.push_back(real_of(exact[i], path, where + "exact" + at));
    const Real r = real_of(rounded[i], path, where + "rounded" + at);
    out.rounded.push_back(round_to_double(r));
    out.bound.push_back(real_of(bound[i], path, where + "bound" + at));
    if (!(out.bound.back() >= 0)) bad(path, where + "bound" + at, excerpt(bound[i]), "a bound >= 0, or \"inf\"");
  }
  return out;
}

GoldenCase case_of(const Json& j, const std::string& op, const std::string& path, const std::string& where) {
  if (!j.is_object()) bad(path, where, excerpt(j), "a case object");
  Json eval_form = j;
  eval_form.erase("bits");
  eval_form.erase("outputs");
  GoldenCase g;
  try {
    g.c = catalog::case_from_json(eval_form);
  } catch (const InvalidInput& e) {
    bad(path, where + e.field(), e.value(), e.expected());
  }
  if (g.c.op != op) bad(path, where + "op", "\"" + g.c.op + "\"", "the file's op, \"" + op + "\"");
  const Json& outputs = member(j, "outputs", path, where);
  if (!outputs.is_object() || outputs.empty()) bad(path, where + "outputs", excerpt(outputs), "an object of outputs");
  for (const auto& item : outputs.items())
    g.outputs.emplace_back(item.key(), output_of(item.value(), path, where + "outputs." + item.key() + "."));
  return g;
}

}  // namespace

const GoldenOutput* GoldenCase::output(const std::string& name) const {
  for (const auto& [n, o] : outputs)
    if (n == name) return &o;
  return nullptr;
}

std::string read_file_bytes(const std::string& path, const std::string& field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInput("gradref", field, "\"" + path + "\"", "a readable file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InvalidInput("gradref", field, "\"" + path + "\"", "a readable file");
  return bytes;
}

bool is_zip(const std::string& bytes) { return bytes.rfind("PK\x03\x04", 0) == 0 || bytes.rfind("PK\x05\x06", 0) == 0; }

GoldenFile parse_golden(const std::string& text, const std::string& path) {
  Json j;
  try {
    std::istringstream in(text);
    j = catalog::parse_json_exact(in);
  } catch (const InvalidInput& e) {
    bad(path, "json", e.value(), e.expected());
  }
  if (!j.is_object()) bad(path, "document", excerpt(j), "a JSON object");
  if (member(j, "format", path, "") != "gradref-golden")
    bad(path, "format", excerpt(j["format"]), "\"gradref-golden\" (a file written by gradref golden)");
  if (member(j, "version", path, "") != format_version)
    bad(path, "version", excerpt(j["version"]), "1: this gradref reads version 1 golden files");
  GoldenFile g;
  g.op = text_of(member(j, "op", path, ""), path, "op");
  try {
    g.op = catalog::find(g.op).name;
  } catch (const InvalidInput& e) {
    bad(path, "op", e.value(), e.expected());
  }
  g.dtype = text_of(member(j, "dtype", path, ""), path, "dtype");
  try {
    float_format(g.dtype);
  } catch (const InvalidInput& e) {
    bad(path, "dtype", e.value(), e.expected());
  }
  if (j.contains("preset") && j["preset"].is_string()) g.preset = j["preset"].get<std::string>();
  if (j.contains("forced") && j["forced"].is_object()) g.forced = j["forced"];
  const Json& cases = member(j, "cases", path, "");
  if (!cases.is_array()) bad(path, "cases", excerpt(cases), "an array of cases");
  for (std::size_t k = 0; k < cases.size(); ++k)
    g.cases.push_back(case_of(cases[k], g.op, path, "cases[" + std::to_string(k) + "]."));
  return g;
}

GoldenFile read_golden(const std::string& path) {
  const std::string bytes = read_file_bytes(path, "GOLDEN");
  if (!is_zip(bytes)) return parse_golden(bytes, path);
  std::vector<npz::ZipEntry> entries;
  try {
    entries = npz::read_zip(bytes);
  } catch (const std::invalid_argument& e) {
    bad(path, "zip", e.what(), "a golden .npz as gradref golden writes it");
  }
  for (const npz::ZipEntry& e : entries)
    if (e.name == "golden.json") return parse_golden(e.data, path + ":golden.json");
  bad(path, "golden.json", "missing", "a golden .npz as gradref golden writes it (it holds golden.json)");
}

}  // namespace gradref::cli::verify
