// gradref eval: the certified reference outputs of one case.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/json.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::cli {

namespace {

// Below 64 bits the p/2p comparison certifies too few digits to round to double;
// above 2^16 one evaluation takes minutes and tells nothing more.
constexpr int min_bits = 64;
constexpr int max_bits = 1 << 16;

struct EvalOptions {
  std::string path = "-";
  int bits = static_cast<int>(default_bits);
  bool compact = false;
};

catalog::Json read_case(const std::string& path) {
  if (path == "-") return catalog::parse_json_exact(std::cin);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInput("gradref", "CASE", "\"" + path + "\"", "a readable JSON file, or - for standard input");
  return catalog::parse_json_exact(in);
}

int run_eval(const EvalOptions& o) {
  if (o.bits < min_bits || o.bits > max_bits)
    throw InvalidInput("gradref", "--bits", std::to_string(o.bits),
                       "an integer in [" + std::to_string(min_bits) + ", " + std::to_string(max_bits) + "]");
  const catalog::Case c = catalog::case_from_json(read_case(o.path));
  const catalog::CertifiedOutputs outputs =
      catalog::evaluate_certified(catalog::find(c.op), c, static_cast<unsigned>(o.bits));
  print_json(catalog::outputs_to_json(c, outputs), o.compact);
  return exit_ok;
}

}  // namespace

Subcommand add_eval(CLI::App& parent) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "eval", "Reference outputs of one case: exact decimals and correctly rounded float32/float64");
  cmd->add_option("CASE", options->path, "case JSON file; - or omitted: standard input");
  cmd->add_option("--bits", options->bits,
                  "working precision p in bits; the op also runs at 2p and only the digits on which both agree "
                  "are reported")
      ->capture_default_str();
  cmd->add_flag("--compact", options->compact, "print the JSON on one line");
  cmd->footer(
      "A case is {\"op\": NAME, \"preset\": P (optional), \"spec\": {...}, \"inputs\": {NAME: {\"shape\": [...], "
      "\"data\": [...]}}}.\nNumbers are JSON numbers or strings (decimal or hex-float such as \"0x1.99999ap-4\") "
      "and are read exactly, never through double.\nOutputs give per element the certified digits, the exact "
      "decimal, and float32/float64 (null where the rounding is not certified).");
  return {cmd, [options] { return run_eval(*options); }};
}

}  // namespace gradref::cli
