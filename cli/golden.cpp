// gradref golden: random cases of one op with their certified reference outputs and
// the error bound of the op's error model, as JSON or .npz (docs/golden.md).
#include <mpfr.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/json.hpp"
#include "gradref/spec/errors.hpp"
#include "golden_cases.hpp"
#include "npz.hpp"
#include "verify/golden_data.hpp"

namespace gradref::cli {

namespace {

using catalog::CertifiedValue;
using catalog::Dtype;
using catalog::Entry;
using catalog::Json;
using verify::bound_text;
using verify::integer_port;
using verify::CertifiedCase;
using verify::rounded_of;

constexpr int format_version = 1;
// Significant digits of the exact values written (verify::full_digits, 40): a
// 40-digit decimal is within 5e-40 |x| of x, inside the 2^-128 |x| (2.9e-39 |x|)
// each bound carries for the reference's own rounding, so comparing with the
// decimal stays sound; the 77 digits that 256 bits certify would double the size
// of a file.

struct GoldenOptions {
  std::string op;
  std::string preset;
  std::string spec;
  std::string dtype = "float32";
  std::int64_t count = 0;
  std::uint64_t seed = 0;
  std::string output;
};

Dtype parse_dtype(const std::string& name) {
  for (Dtype d : {Dtype::float32, Dtype::float64, Dtype::bfloat16})
    if (name == catalog::dtype_name(d)) return d;
  throw InvalidInput("gradref", "--dtype", name, "float32, float64 or bfloat16");
}

Json parse_spec_option(const std::string& text) {
  if (text.empty()) return Json::object();
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error&) {
    throw InvalidInput("gradref", "--spec", text, "a JSON object of spec fields, e.g. {\"eps_root\": 0}");
  }
  if (!j.is_object())
    throw InvalidInput("gradref", "--spec", text, "a JSON object of spec fields, e.g. {\"eps_root\": 0}");
  return j;
}

/// Reports progress on stderr once a run has taken a second, then every second.
class Progress {
 public:
  explicit Progress(std::string what) : what_(std::move(what)), last_(std::chrono::steady_clock::now()) {}
  void update(std::int64_t done, std::int64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::seconds(1)) return;
    if (done == total && !printed_) return;
    std::cerr << "gradref golden: " << what_ << ": " << done << "/" << total << " cases\n";
    last_ = now;
    printed_ = true;
  }

 private:
  std::string what_;
  std::chrono::steady_clock::time_point last_;
  bool printed_ = false;
};

/// The bound's decimal text (bound_text) rounded up to a double: at least the text's value.
double bound_double(const std::string& text) {
  if (text == "inf") return std::numeric_limits<double>::infinity();
  mpfr_t x;
  mpfr_init2(x, 53);
  mpfr_set_str(x, text.c_str(), 10, MPFR_RNDU);
  const double d = mpfr_get_d(x, MPFR_RNDU);  // exact, or rounded up again below the normal range
  mpfr_clear(x);
  return d;
}


Json case_json(const Entry& entry, const CertifiedCase& g, Dtype dtype) {
  Json j = catalog::case_to_json(g.c);
  Json outputs = Json::object();
  for (const auto& [name, array] : g.outputs.outputs) {
    Json digits = Json::array(), exact_text = Json::array(), rounded = Json::array(), bound = Json::array();
    const Array<Real>& bounds = g.bounds.at(name);
    const bool integer = integer_port(entry.outputs, name);
    for (std::size_t i = 0; i < array.values.size(); ++i) {
      const CertifiedValue& v = array.values[i];
      digits.push_back(verify::golden_digits(v));
      exact_text.push_back(verify::golden_exact_text(v));
      rounded.push_back(to_hex(rounded_of(v, catalog::output_dtype(entry.outputs, name, dtype), integer)));
      bound.push_back(bound_text(bounds[static_cast<std::int64_t>(i)]));
    }
    outputs[name] = {{"shape", array.shape}, {"digits", std::move(digits)}, {"exact", std::move(exact_text)},
                     {"rounded", std::move(rounded)}, {"bound", std::move(bound)}};
  }
  j["bits"] = g.outputs.bits;
  j["outputs"] = std::move(outputs);
  return j;
}

/// The document: header members one per line, then one case per line (diffs of a
/// regenerated set show which cases changed).
std::string render(const Json& header, const std::vector<Json>& cases) {
  const auto dump = [](const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); };
  std::string out = "{\n";
  for (const auto& item : header.items()) out += "  " + dump(item.key()) + ": " + dump(item.value()) + ",\n";
  out += "  \"cases\": [";
  for (std::size_t i = 0; i < cases.size(); ++i) out += (i ? ",\n    " : "\n    ") + dump(cases[i]);
  out += cases.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

npz::NpyArray integer_array(const Shape& shape, const std::vector<double>& values) {
  std::vector<std::int64_t> ints;
  for (double x : values) {
    if (!(x >= -9.2e18 && x <= 9.2e18) || x != static_cast<double>(static_cast<std::int64_t>(x)))
      throw std::logic_error("npz: a value of an integer port is not an int64");
    ints.push_back(static_cast<std::int64_t>(x));
  }
  return npz::int64_array(shape, ints);
}

/// NumPy has no bfloat16: bfloat16 values go in float32 arrays, which hold them exactly.
npz::NpyArray value_array(const Shape& shape, const std::vector<double>& values, Dtype dtype, bool integer) {
  if (integer) return integer_array(shape, values);
  if (dtype == Dtype::float64) return npz::float64_array(shape, values);
  std::vector<float> narrow(values.begin(), values.end());  // exact: each value is a float32 (or bfloat16)
  return npz::float32_array(shape, narrow);
}

/// The .npz: golden.json (the JSON document, exact decimals), version.npy, and per
/// case k (zero-padded) case_k/inputs/NAME.npy, case_k/outputs/NAME.npy (values in
/// the dtype, bfloat16 as float32; int64 for integer ports) and case_k/bounds/NAME.npy
/// (float64, rounded up).
std::string npz_file(const Entry& entry, const std::string& document, const std::vector<CertifiedCase>& cases,
                     Dtype dtype) {
  std::vector<std::pair<std::string, std::string>> entries;
  entries.emplace_back("version.npy", npz::npy_bytes(npz::int64_array({}, {format_version})));
  entries.emplace_back("golden.json", document);
  const std::size_t width = std::max<std::size_t>(4, std::to_string(cases.size() > 0 ? cases.size() - 1 : 0).size());
  for (std::size_t k = 0; k < cases.size(); ++k) {
    std::string index = std::to_string(k);
    const std::string prefix = "case_" + std::string(width - index.size(), '0') + index + "/";
    const CertifiedCase& g = cases[k];
    for (const auto& [name, array] : g.c.inputs) {
      std::vector<double> values;
      for (const Real& x : array.values()) values.push_back(round_to_double(x));
      entries.emplace_back(prefix + "inputs/" + name + ".npy",
                           npz::npy_bytes(value_array(array.shape(), values, dtype, integer_port(entry.inputs, name))));
    }
    for (const auto& [name, array] : g.outputs.outputs) {
      const Dtype held = catalog::output_dtype(entry.outputs, name, dtype);
      std::vector<double> values, bounds;
      for (std::size_t i = 0; i < array.values.size(); ++i) {
        values.push_back(rounded_of(array.values[i], held, integer_port(entry.outputs, name)));
        bounds.push_back(bound_double(bound_text(g.bounds.at(name)[static_cast<std::int64_t>(i)])));
      }
      entries.emplace_back(prefix + "outputs/" + name + ".npy",
                           npz::npy_bytes(value_array(array.shape, values, held, integer_port(entry.outputs, name))));
      entries.emplace_back(prefix + "bounds/" + name + ".npy", npz::npy_bytes(npz::float64_array(array.shape, bounds)));
    }
  }
  return npz::zip_stored(entries);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int run_golden(const GoldenOptions& o) {
  const Dtype dtype = parse_dtype(o.dtype);
  const Entry& entry = catalog::find(o.op);
  if (o.count < 0 || o.count > 100000)
    throw InvalidInput("gradref", "--count", std::to_string(o.count), "an integer in [0, 100000]");
  const Json forced = forced_fields(entry, o.preset, parse_spec_option(o.spec));

  GoldenDrawer drawer(entry, dtype, forced, o.seed);
  Progress progress(entry.name + (o.preset.empty() ? "" : "/" + o.preset) + " " + o.dtype);
  std::vector<CertifiedCase> cases;
  std::vector<Json> case_docs;
  for (std::int64_t k = 0; k < o.count; ++k) {
    cases.push_back(drawer.next());
    case_docs.push_back(case_json(entry, cases.back(), dtype));
    progress.update(k + 1, o.count);
  }

  const Json header = {{"format", "gradref-golden"},
                       {"version", format_version},
                       {"op", entry.name},
                       {"preset", o.preset.empty() ? Json(nullptr) : Json(o.preset)},
                       {"dtype", o.dtype},
                       {"seed", o.seed},
                       {"count", o.count},
                       {"forced", forced}};
  const std::string document = render(header, case_docs);
  if (o.output.empty() || o.output == "-") {
    std::cout << document;
    return exit_ok;
  }
  const bool as_npz = ends_with(o.output, ".npz");
  {
    std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
    if (!out) throw InvalidInput("gradref", "-o", "\"" + o.output + "\"", "a file path that can be written");
    out << (as_npz ? npz_file(entry, document, cases, dtype) : document);
    if (!out.flush()) throw InvalidInput("gradref", "-o", "\"" + o.output + "\"", "a file path that can be written");
  }
  print_json({{"written", o.output},
              {"format", as_npz ? "npz" : "json"},
              {"op", entry.name},
              {"preset", header["preset"]},
              {"dtype", o.dtype},
              {"cases", o.count},
              {"redrawn", drawer.redrawn()}});
  return exit_ok;
}

}  // namespace

Subcommand add_golden(CLI::App& parent) {
  auto options = std::make_shared<GoldenOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "golden", "Random cases of one op with exact outputs, their rounding in the dtype and the error bound");
  cmd->add_option("--op", options->op, "the op (gradref ops)")->required();
  cmd->add_option("--preset", options->preset,
                  "fix the fields on which the op's presets disagree to this preset's values; other fields vary");
  cmd->add_option("--spec", options->spec,
                  "JSON object of spec fields to fix as well, e.g. '{\"eps_root\": 0}' (with --preset: on top of it)");
  cmd->add_option("--dtype", options->dtype,
                  "float32, float64 or bfloat16: inputs held exactly, outputs rounded, bounds (bfloat16 in .npz: float32 arrays)")
      ->capture_default_str();
  cmd->add_option("--count", options->count, "number of cases")->required();
  cmd->add_option("--seed", options->seed, "seed of the random stream: the same seed gives the same file")->required();
  cmd->add_option("-o,--output", options->output,
                  "write to FILE (FILE.npz: NumPy arrays plus golden.json) and print a summary; default: stdout");
  cmd->footer("The format: docs/golden.md and docs/formats/golden.schema.json.");
  return {cmd, [options] { return run_golden(*options); }};
}

}  // namespace gradref::cli
