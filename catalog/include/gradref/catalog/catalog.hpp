#pragma once
// The catalog: one declarative entry per op, binding its spec, reference, fast
// kernel, generators, invalid inputs, error model and known-wrong variants. Generic
// tests, the CLI and the benchmarks iterate it; none of them names an op.
//
// The uniform form of an op is a spec (JSON object) plus named arrays in, named
// arrays out; that is also the JSON the CLI reads and writes.
#include <cstdint>
#include <functional>
#include <ostream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <rapidcheck.h>

#include "gradref/reference/array.hpp"
#include "gradref/reference/real.hpp"

namespace gradref::catalog {

using Json = nlohmann::ordered_json;

/// The dtypes of golden data and error bounds. The fast kernels and the catalog's
/// own generators are float32 and float64 only; bfloat16 cases come from
/// generator_for, its bounds from Entry::error_bound (gradref golden --dtype bfloat16).
enum class Dtype { float32, float64, bfloat16 };
const char* dtype_name(Dtype d);

template <class T>
using NamedArrays = std::map<std::string, Array<T>>;

/// One evaluation request. `spec` is complete (every field present, validated);
/// inputs are exact values (integers such as class indices and step counts too).
struct Case {
  std::string op;
  Json spec;
  NamedArrays<Real> inputs;
};

/// How RapidCheck prints a counterexample: the case's JSON (exact values).
void showValue(const Case& c, std::ostream& os);

/// A named input or output. A name containing `<l>` stands for a family of ports,
/// one per layer: "weight_<l>" is weight_1, weight_2, ...; how many the spec
/// decides (mlp's `layers`), and the op refuses missing or extra members itself.
struct Port {
  std::string name;
  std::string shape;  ///< symbolic, e.g. "[N, C]", "[steps, *param]", "[]"
  std::string doc;
  bool integer = false;   ///< values are integers (class indices, step counters)
  bool optional = false;  ///< present only under some spec settings (e.g. amsgrad)
  /// Computed and returned in double whatever the dtype (armijo's step: a scalar of
  /// the search, eta0 shrink^k, not an element of the arrays): golden files round it
  /// to float64, and a candidate gives it as a double.
  bool held_in_double = false;
};

/// Whether `name` is the port's name, or a member of its family: `<l>` replaced by
/// a positive integer written without leading zeros (weight_<l>: weight_1, weight_12).
bool port_matches(const Port& port, const std::string& name);
/// The l of a family member's name (port_matches must hold); 0 for a plain port.
std::int64_t port_index(const Port& port, const std::string& name);
/// The port's name with `<l>` replaced by l (the name itself for a plain port).
std::string port_member(const Port& port, std::int64_t l);
bool is_port_family(const Port& port);
/// Whether the output called `name` is held in double whatever the dtype.
bool held_in_double(const std::vector<Port>& outputs, const std::string& name);
/// The dtype an output of an op run in `dtype` is held in: float64 for a port
/// held_in_double, else `dtype`.
Dtype output_dtype(const std::vector<Port>& outputs, const std::string& name, Dtype dtype);

/// A spec field as `gradref ops` lists it.
struct Field {
  std::string name;
  std::string type;  ///< "number", "integer", "flag", "choice" or "text"
  std::string doc;
  Json default_value;
  std::vector<std::string> choices;  ///< for "choice"
};

struct Preset {
  std::string name;
  std::string source;  ///< framework source the conventions were read from
};

/// An input that must be refused, and the spec or input field the error must name.
struct InvalidCase {
  std::string description;
  Case input;
  std::string field;
};

/// A plausible bug, run in place of the fast kernel; the comparison must reject it
/// on at least one case its generator produces.
struct WrongVariant {
  std::string name;
  std::string description;
  std::function<rc::Gen<Case>(Dtype)> generator;  ///< cases on which the bug shows
  std::function<NamedArrays<double>(const Case&, Dtype)> run;
  std::vector<Dtype> dtypes = {Dtype::float32, Dtype::float64};  ///< where the bug is a bug
};

/// `gradient` holds d(sum of `value`) / d `input`, or, when `cotangent` names an
/// input, d(sum of cotangent * value) / d `input` (a vector-Jacobian product, as
/// backprop through a non-scalar op reports it): checked by finite differences.
/// An entry whose value or gradient the case's spec does not produce, or whose
/// cotangent the case does not take, is skipped.
struct Gradient {
  std::string value;
  std::string input;
  std::string gradient;
  std::string cotangent = {};
};

/// A documented, intentional difference from a framework.
struct Deviation {
  std::string what;
  std::string why;
};

struct Entry {
  std::string name;
  std::string kind;  ///< "rule", "loss", ...
  std::string summary;
  std::string doc;   ///< docs page, relative to docs/
  std::vector<Field> fields;
  std::vector<Preset> presets;
  std::vector<Port> inputs;
  std::vector<Port> outputs;

  /// Fills every field from the preset's values (the op's default preset when
  /// `preset` is empty), overrides them with `given`, validates; throws InvalidInput.
  std::function<Json(const Json& given, const std::string& preset)> make_spec;
  /// Exact outputs at the current working precision (inputs rounded to it once).
  std::function<NamedArrays<Real>(const Case&)> reference;
  /// The fast kernel on the case's inputs in `dtype` (which must hold them
  /// exactly); outputs widened to double, which is exact.
  /// Empty for reference-only ops (the graph engine, the model objectives): the
  /// tests that need a kernel skip them; wrong variants still run against
  /// `error_bound`, the bound for a kernel doing the reference's operations.
  std::function<NamedArrays<double>(const Case&, Dtype)> fast;
  /// Per output element, a bound on |fast - exact| from the op's error model.
  std::function<NamedArrays<Real>(const Case&, Dtype)> error_bound;
  /// Valid cases whose inputs are exactly representable in `dtype`, hard cases included.
  std::function<rc::Gen<Case>(Dtype)> generator;
  /// Cases for the finite-difference check, when `generator`'s hard cases make
  /// gradients too small for 512-bit differences to resolve 40 digits (a softmax
  /// over logits 1e4 apart has entries near e^-10000). Empty: `generator`.
  std::function<rc::Gen<Case>(Dtype)> derivative_generator;
  std::function<std::vector<InvalidCase>()> invalid_cases;
  std::vector<WrongVariant> wrong_variants;
  std::vector<Gradient> gradients;
  std::vector<Deviation> deviations;

  /// Update rules that take a `grad` input: the state a framework starts from
  /// (zeros, an initial accumulator, ...) for a complete spec and param's shape,
  /// step counter excluded. Empty for other ops.
  std::function<NamedArrays<Real>(const Json& spec, const Shape& param)> initial_state = {};
  /// Update rules: whether lr = 0 leaves param unchanged under this spec (false
  /// where the definition decays param independently of lr, as ONNX's
  /// norm_coefficient_post does).
  std::function<bool(const Json& spec)> frozen_at_zero_lr = {};
};

/// Valid cases of `entry` whose non-integer inputs are exactly representable in
/// `dtype`: Entry::generator for float32 and float64. For bfloat16 the float32
/// generator's cases with every non-integer input rounded to bfloat16, kept only
/// where none overflows and the op still accepts them (its reference does not throw
/// InvalidInput); other draws are redrawn.
rc::Gen<Case> generator_for(const Entry& entry, Dtype dtype);

/// Every op, in ops.def order.
const std::vector<const Entry*>& all();
/// The op called `name`; throws InvalidInput("gradref", "op", name, ...) if none.
const Entry& find(const std::string& name);

}  // namespace gradref::catalog
