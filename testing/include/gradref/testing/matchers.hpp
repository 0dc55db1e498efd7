#pragma once
// GoogleTest matchers that check a user's outputs against gradref's exact
// reference, with the op's error model as the tolerance (catalog::compare):
//
//   EXPECT_THAT(my_outputs, gradref::testing::MatchesReference(c, Dtype::float32));
//
// my_outputs maps each output name to its values, row-major, as float or double:
// std::map<std::string, std::vector<float>> (Outputs<float>), Outputs<double>, or
// the catalog's NamedArrays<float/double>. On failure the message names the worst
// element: output, index, exact value, the candidate's value, the error in ULPs of
// the dtype and the bound in ULPs, then the case as JSON to reproduce it with
// `gradref eval`.
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>

#include "gradref/catalog/compare.hpp"
#include "gradref/testing/cases.hpp"

namespace gradref::testing {

template <class T>
using Outputs = std::map<std::string, std::vector<T>>;

/// The outcome of one comparison, with a message a person can act on.
struct Verdict {
  bool passed = true;
  catalog::Comparison comparison;
  double error_ulps = 0;  ///< the worst failing element's |candidate - exact| in ULPs of the dtype
  double bound_ulps = 0;  ///< its bound in ULPs of the dtype
  std::string message;
};

/// Compares `candidate` with the reference on `c` in `dtype`. `only` restricts the
/// comparison to those outputs (empty: every output the op produces for the case).
Verdict check(const Case& c, Dtype dtype, const catalog::NamedArrays<double>& candidate,
              const std::vector<std::string>& only = {});

/// The candidate's outputs widened to double (exact) in the catalog's form.
catalog::NamedArrays<double> widen(const Outputs<float>& outputs);
catalog::NamedArrays<double> widen(const Outputs<double>& outputs);
catalog::NamedArrays<double> widen(const catalog::NamedArrays<float>& outputs);
catalog::NamedArrays<double> widen(const catalog::NamedArrays<double>& outputs);

/// The error of `candidate` in ULPs of `dtype` at the exact value `exact`: the
/// spacing of the dtype's numbers at |exact| (its subnormal spacing below the
/// normal range), so a correctly rounded result is at most 0.5 ULP away.
double ulps(const Real& exact, double candidate, Dtype dtype);

/// A GoogleTest matcher over any of the output forms widen() takes.
class ReferenceMatcher {
 public:
  using is_gtest_matcher = void;

  ReferenceMatcher(Case c, Dtype dtype, std::vector<std::string> only = {})
      : case_(std::move(c)), dtype_(dtype), only_(std::move(only)) {}

  /// The same matcher restricted to the named outputs (an implementation that does
  /// not return, say, the step counter).
  ReferenceMatcher Only(std::vector<std::string> outputs) const { return {case_, dtype_, std::move(outputs)}; }

  template <class Candidate>
  bool MatchAndExplain(const Candidate& outputs, std::ostream* os) const {
    const Verdict v = check(case_, dtype_, widen(outputs), only_);
    if (os != nullptr) *os << v.message;
    return v.passed;
  }
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  Case case_;
  Dtype dtype_;
  std::vector<std::string> only_;
};

/// EXPECT_THAT(outputs, MatchesReference(c, dtype)): every output element within
/// the op's error bound of the exact reference.
inline ReferenceMatcher MatchesReference(const Case& c, Dtype dtype) { return {c, dtype}; }

}  // namespace gradref::testing
