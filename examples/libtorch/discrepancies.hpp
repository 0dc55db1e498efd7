// Checking libtorch's outputs against a golden case exactly, and explaining the
// elements that miss gradref's bound by the discrepancies expected of libtorch
// 1.13 (discrepancies.cpp lists them, each with its condition and the reason).
#pragma once

#include "libtorch_case.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace gradref_libtorch {

/// One golden output as the golden file gives it: exact decimals and error bounds.
struct GoldenOutput {
  std::vector<std::string> exact;
  std::vector<std::string> bound;
};

/// How one output of one case compares: |libtorch - exact| <= bound per element,
/// evaluated exactly (gradref::Real), and what explains the elements beyond it.
struct Verdict {
  std::size_t failing = 0;             // elements beyond the bound
  std::set<std::string> explained_by;  // the expected discrepancies that explain them
  std::string unexplained;             // the first failing element none explains; "" if none
  double worst_ulps = 0;               // error in ULPs of the dtype at the exact value
  double worst_ratio = 0;              // error / bound
};

Verdict judge(const Case& c, Dtype dtype, const std::string& output, const GoldenOutput& golden,
              const Array& candidate);

/// The expected discrepancies, name and explanation, for the report.
std::vector<std::pair<std::string, std::string>> expected_discrepancies();

}  // namespace gradref_libtorch
