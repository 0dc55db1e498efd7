#pragma once
// The JSON form of cases and outputs (DESIGN.md "The command line"):
//   {"op": NAME, "preset": P?, "spec": {...}, "inputs": {name: {"shape": [...], "data": [...]}}}
// Numbers may be JSON numbers or strings (decimal or hex-float); both are parsed
// exactly from their text, never through double.
#include <istream>
#include <string>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/evaluate.hpp"

namespace gradref::catalog {

/// Parses JSON text keeping every floating-point number as its original text (a
/// JSON string), so that no value passes through double. Throws InvalidInput
/// ("case", "json", ...) on malformed text.
Json parse_json_exact(std::istream& in);

/// Builds a complete, validated Case: the op must exist, the spec is completed from
/// the preset, every declared input must be present with values that parse; shapes
/// and values are then checked by the op itself when it runs. Throws InvalidInput.
Case case_from_json(const Json& j);

/// The case back as JSON, every value as an exact string (hex-float when binary).
Json case_to_json(const Case& c);

/// One certified array: {shape, digits, exact, float32, float64}.
Json certified_to_json(const CertifiedArray& array);

/// {"op", "spec", "bits", "outputs": {name: {"shape", "digits", "exact", "float32", "float64"}}}
Json outputs_to_json(const Case& c, const CertifiedOutputs& outputs);

/// {"error": {"op", "field", "value", "expected", "message"}}
Json error_to_json(const InvalidInput& e);

}  // namespace gradref::catalog
