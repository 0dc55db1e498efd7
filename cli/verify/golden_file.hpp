#pragma once
// A golden file (docs/formats/golden.md) read back for `gradref verify`: each
// case as a catalog::Case plus, per output, the exact values, the bounds and how
// many digits of each exact decimal are certified.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gradref/catalog/catalog.hpp"

namespace gradref::cli::verify {

/// Digits of an exact decimal that the bound's slack already covers: a golden
/// file writes 40 (or fewer where 4096 bits could not certify 40).
inline constexpr int full_digits = 40;

struct GoldenOutput {
  Shape shape;
  std::vector<Real> exact;         ///< the decimals, at 256 bits (nan, +-inf as such)
  std::vector<Real> bound;         ///< |candidate - exact| <= bound passes; inf: unbounded
  std::vector<int> digits;         ///< certified significant digits of each decimal
  std::vector<double> rounded;     ///< exact correctly rounded to the dtype
  std::vector<std::string> exact_text;  ///< the decimals as written, for reports
};

struct GoldenCase {
  catalog::Case c;
  std::vector<std::pair<std::string, GoldenOutput>> outputs;  ///< in the file's order

  /// The output called `name`, or nullptr.
  const GoldenOutput* output(const std::string& name) const;
};

struct GoldenFile {
  std::string op, dtype;
  std::optional<std::string> preset;
  catalog::Json forced = catalog::Json::object();
  std::vector<GoldenCase> cases;
};

/// Reads `path`: a golden JSON file, or a golden .npz (its golden.json). Checks
/// the format name and version, each case (through the catalog's JSON reader) and
/// each output's arrays. Throws InvalidInput("gradref", "GOLDEN", ...) saying
/// where the file is wrong.
GoldenFile read_golden(const std::string& path);

/// The same from the document's text; `path` only names it in errors.
GoldenFile parse_golden(const std::string& text, const std::string& path);

/// The file's bytes; throws InvalidInput("gradref", field, path, ...) if unreadable.
std::string read_file_bytes(const std::string& path, const std::string& field);

/// Whether `bytes` start like a zip file (an .npz).
bool is_zip(const std::string& bytes);

}  // namespace gradref::cli::verify
