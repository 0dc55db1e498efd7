// verify --explain over the catalog: a candidate computing another preset's
// conventions (or one convention changed) is recognised as exactly that. Golden
// cases come from the shared golden drawer; the candidate is the reference under
// the other conventions, correctly rounded to the dtype: an implementation of them
// as good as possible.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "golden_cases.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/spec/errors.hpp"
#include "verify/explain.hpp"

namespace gradref::catalog {
void PrintTo(Dtype d, std::ostream* os) { *os << dtype_name(d); }
}  // namespace gradref::catalog

namespace gradref::cli::verify {
namespace {

using catalog::Dtype;
using catalog::Entry;
using catalog::Json;
using catalog::NamedArrays;

// The bundled golden set's seed: every (op, preset, dtype) draws its cases with it.
constexpr std::uint64_t seed = 20261129;
constexpr int count = 3;

std::vector<CertifiedCase> golden_cases(const Entry& entry, Dtype dtype, const Json& forced) {
  GoldenDrawer drawer(entry, dtype, forced, seed);
  std::vector<CertifiedCase> out;
  for (int k = 0; k < count; ++k) out.push_back(drawer.next());
  return out;
}

/// The conventions a preset fixes (its hyperparameters left out), as explain applies them.
Json preset_conventions(const Entry& entry, const std::string& preset) {
  const Json forced = forced_fields(entry, preset, Json::object());
  Json out = Json::object();
  for (const catalog::Field& f : entry.fields)
    if ((f.type == "flag" || f.type == "choice") && forced.contains(f.name)) out[f.name] = forced.at(f.name);
  return out;
}

/// What an implementation of other conventions gives for a golden case: the
/// correctly rounded reference outputs under `changes`, read as explain reads the
/// case (a renamed state slot keeps its values), under the golden's output names
/// and only those (a candidate file has no others); none where the changed spec or
/// the case's inputs are invalid under it (the candidate skips the case).
std::optional<NamedArrays<double>> rounded_reference(const Entry& entry, const CertifiedCase& golden,
                                                     const Json& changes, Dtype dtype) {
  const std::optional<AlternativeCase> alt = alternative_case(entry, golden.c, changes);
  if (!alt) return std::nullopt;
  NamedArrays<Real> exact_outputs;
  try {
    exact_outputs = catalog::evaluate_at(entry, alt->c, default_bits);
  } catch (const InvalidInput&) {
    return std::nullopt;
  }
  NamedArrays<double> out;
  for (const auto& [name, array] : exact_outputs) {
    const auto renamed = alt->golden_name.find(name);
    const std::string golden_name = renamed == alt->golden_name.end() ? name : renamed->second;
    const bool in_golden = std::any_of(golden.outputs.outputs.begin(), golden.outputs.outputs.end(),
                                       [&golden_name](const auto& o) { return o.first == golden_name; });
    if (!in_golden) continue;
    out.emplace(golden_name, array.map<double>([dtype](const Real& x) {
      return dtype == Dtype::float32 ? static_cast<double>(round_to_float(x)) : round_to_double(x);
    }));
  }
  return out;
}

/// Whether the candidate passes every case under the golden's own outputs and bounds.
bool passes_golden(const std::vector<CertifiedCase>& golden, const std::vector<std::optional<NamedArrays<double>>>& candidate) {
  ScopedPrecision precision(default_bits);
  for (std::size_t k = 0; k < golden.size(); ++k) {
    if (!candidate[k]) continue;
    for (const auto& [name, array] : golden[k].outputs.outputs) {
      const auto it = candidate[k]->find(name);
      if (it == candidate[k]->end()) continue;
      if (it->second.size() != static_cast<std::int64_t>(array.values.size())) return false;
      for (std::size_t i = 0; i < array.values.size(); ++i) {
        const Real& x = array.values[i].value;
        const double got = it->second[static_cast<std::int64_t>(i)];
        if (isnan(x) || isinf(x) || !std::isfinite(got)) {
          if (!(isnan(x) ? std::isnan(got) : (isinf(x) && got == round_to_double(x)))) return false;
          continue;
        }
        if (abs(exact(got) - x) > golden[k].bounds.at(name)[static_cast<std::int64_t>(i)]) return false;
      }
    }
  }
  return true;
}

Explanation explain_candidate(const Entry& entry, Dtype dtype, const std::vector<CertifiedCase>& golden,
                              const std::vector<std::optional<NamedArrays<double>>>& candidate, bool complete) {
  std::vector<ExplainCase> cases;
  for (std::size_t k = 0; k < golden.size(); ++k)
    cases.push_back({&golden[k].c, candidate[k] ? &*candidate[k] : nullptr});
  return explain(entry, dtype, cases, {complete});
}

/// Whether an alternative called `name` (or merged with one of that name) matches.
bool matches(const Explanation& e, const std::string& name) {
  for (const AlternativeResult* r : e.matching())
    if (r->alternative.name == name ||
        std::find(r->alternative.same_as.begin(), r->alternative.same_as.end(), name) != r->alternative.same_as.end())
      return true;
  return false;
}

bool same_as_golden(const Explanation& e, const std::string& name) {
  return std::find(e.same_as_golden.begin(), e.same_as_golden.end(), name) != e.same_as_golden.end();
}

class ExplainPresets : public testing::TestWithParam<Dtype> {};

TEST_P(ExplainPresets, EveryPresetIsRecognisedUnderEveryOther) {
  const Dtype dtype = GetParam();
  int compared = 0, distinguished = 0;
  for (const Entry* entry : catalog::all()) {
    if (entry->presets.size() < 2) continue;
    for (const catalog::Preset& p : entry->presets) {
      const std::vector<CertifiedCase> golden =
          golden_cases(*entry, dtype, forced_fields(*entry, p.name, Json::object()));
      for (const catalog::Preset& q : entry->presets) {
        if (q.name == p.name) continue;
        const Json conventions = preset_conventions(*entry, q.name);
        std::vector<std::optional<NamedArrays<double>>> candidate;
        for (const CertifiedCase& g : golden) candidate.push_back(rounded_reference(*entry, g, conventions, dtype));
        if (std::none_of(candidate.begin(), candidate.end(), [](const auto& c) { return c.has_value(); })) continue;
        SCOPED_TRACE(entry->name + " " + catalog::dtype_name(dtype) + ": golden " + p.name + ", candidate " + q.name);
        const Explanation e = explain_candidate(*entry, dtype, golden, candidate, false);
        ++compared;
        EXPECT_TRUE(matches(e, "preset " + q.name) || same_as_golden(e, "preset " + q.name));
        if (passes_golden(golden, candidate)) continue;
        ++distinguished;
        EXPECT_TRUE(same_as_golden(e, "preset " + p.name));
        EXPECT_FALSE(matches(e, "preset " + p.name));
      }
    }
  }
  EXPECT_GT(distinguished, compared / 2) << compared << " pairs compared";
  std::cout << compared << " (op, golden preset, candidate preset), " << distinguished
            << " with a candidate that fails the golden file\n";
}

INSTANTIATE_TEST_SUITE_P(Dtypes, ExplainPresets, testing::Values(Dtype::float32, Dtype::float64),
                         [](const testing::TestParamInfo<Dtype>& info) { return catalog::dtype_name(info.param); });

struct FlipCase {
  std::string op;
  Json golden_fields;  ///< fixed on top of the preset
  std::string preset;
  Json changes;
  std::string expected;  ///< the alternative explain must report
};

void PrintTo(const FlipCase& f, std::ostream* os) { *os << f.op << " " << f.preset << " + " << f.changes.dump(); }

class ExplainFlip : public testing::TestWithParam<FlipCase> {};

TEST_P(ExplainFlip, TheSingleChangeMatches) {
  const FlipCase& f = GetParam();
  const Entry& entry = catalog::find(f.op);
  for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
    SCOPED_TRACE(catalog::dtype_name(dtype));
    const std::vector<CertifiedCase> golden = golden_cases(entry, dtype, forced_fields(entry, f.preset, f.golden_fields));
    std::vector<std::optional<NamedArrays<double>>> candidate;
    for (const CertifiedCase& g : golden) candidate.push_back(rounded_reference(entry, g, f.changes, dtype));
    ASSERT_FALSE(passes_golden(golden, candidate)) << "the change does not show on these cases: " << [&] {
      std::string cases;
      for (std::size_t k = 0; k < golden.size(); ++k)
        cases += "\n" + golden[k].c.spec.dump() + (candidate[k] ? "" : " (skipped)");
      return cases;
    }();
    const Explanation e = explain_candidate(entry, dtype, golden, candidate, true);
    EXPECT_TRUE(matches(e, f.expected)) << explain_text(e, f.op, dtype, "preset " + f.preset);
    // Complete evaluation: exact counts for every alternative.
    for (const AlternativeResult& r : e.results) {
      EXPECT_EQ(r.unevaluated, 0);
      EXPECT_EQ(r.passed + r.failed + r.not_applicable, e.cases - e.skipped) << r.alternative.name;
    }
    // Stopping each alternative at its first failure finds the same matches.
    const Explanation quick = explain_candidate(entry, dtype, golden, candidate, false);
    std::vector<std::string> complete_names, quick_names;
    for (const AlternativeResult* r : e.matching()) complete_names.push_back(r->alternative.name);
    for (const AlternativeResult* r : quick.matching()) quick_names.push_back(r->alternative.name);
    EXPECT_EQ(complete_names, quick_names);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Conventions, ExplainFlip,
    // Golden cases on which the change shows and is valid: eps = 0.1 (where placing it
    // matters), no eps_root (the eps_hat form has none), momentum without dampening.
    testing::Values(FlipCase{"adam", {{"eps", 0.1}, {"eps_root", 0.0}}, "pytorch", {{"eps_placement", "inside"}}, "eps_placement = inside"},
                    FlipCase{"adam", {{"eps", 0.1}, {"eps_root", 0.0}, {"bias_correction", true}}, "pytorch",
                             {{"eps_placement", "eps_hat"}}, "preset tensorflow"},
                    FlipCase{"sgd", {{"momentum", 0.9}, {"dampening", 0.0}, {"nesterov", false}}, "pytorch", {{"nesterov", true}},
                             "nesterov = true"},
                    FlipCase{"rmsprop", Json::object(), "pytorch", {{"centered", true}}, "centered = true"},
                    FlipCase{"sgd", {{"momentum", 0.9}}, "pytorch", {{"momentum_form", "velocity"}},
                             "momentum_form = velocity"},
                    FlipCase{"mse", {{"reduction", "mean"}}, "pytorch", {{"reduction", "sum"}}, "reduction = sum"}),
    [](const testing::TestParamInfo<FlipCase>& info) {
      return info.param.op + "_" + info.param.changes.begin().key() + "_" + std::to_string(info.index);
    });

TEST(Explain, NothingMatchesAnUnrelatedCandidate) {
  const Entry& entry = catalog::find("adam");
  const std::vector<CertifiedCase> golden = golden_cases(entry, Dtype::float32, forced_fields(entry, "pytorch", Json::object()));
  std::vector<std::optional<NamedArrays<double>>> candidate;
  for (const CertifiedCase& g : golden) {
    NamedArrays<double> out = *rounded_reference(entry, g, Json::object(), Dtype::float32);
    for (auto& [name, array] : out)
      if (name == "param") array = array.map<double>([](double x) { return x * 2 + 1; });
    candidate.push_back(std::move(out));
  }
  const Explanation e = explain_candidate(entry, Dtype::float32, golden, candidate, true);
  EXPECT_TRUE(e.matching().empty());
  EXPECT_FALSE(e.nearest(3).empty());
  const std::string text = explain_text(e, "adam", Dtype::float32, "preset pytorch");
  EXPECT_NE(text.find("matches none"), std::string::npos) << text;
}

TEST(Explain, AnAlternativeTheInputsDoNotFitIsNotApplicable) {
  // Class indices as targets: the keras preset wants probabilities of the logits' shape.
  const Entry& entry = catalog::find("cross_entropy");
  const std::vector<CertifiedCase> golden = golden_cases(entry, Dtype::float32, forced_fields(entry, "pytorch", Json::object()));
  std::vector<std::optional<NamedArrays<double>>> candidate;
  for (const CertifiedCase& g : golden) {
    NamedArrays<double> out = *rounded_reference(entry, g, Json::object(), Dtype::float32);
    out.at("loss") = out.at("loss").map<double>([](double x) { return x + 1; });
    candidate.push_back(std::move(out));
  }
  const Explanation e = explain_candidate(entry, Dtype::float32, golden, candidate, true);
  const auto keras = std::find_if(e.results.begin(), e.results.end(),
                                  [](const AlternativeResult& r) { return r.alternative.name == "preset keras"; });
  ASSERT_NE(keras, e.results.end());
  EXPECT_EQ(keras->not_applicable, count);
  EXPECT_FALSE(keras->matches);
  EXPECT_NE(explain_text(e, "cross_entropy", Dtype::float32, "preset pytorch").find("Not applicable to any case: preset keras"),
            std::string::npos);
}

}  // namespace
}  // namespace gradref::cli::verify
