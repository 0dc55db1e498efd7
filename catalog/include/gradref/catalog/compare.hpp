#pragma once
// The one comparison between a candidate's outputs and the reference: every
// element must satisfy |candidate - exact| <= bound, the bound coming from the op's
// error model. Known-wrong variants go through exactly the same comparison.
#include <optional>
#include <string>

#include "gradref/catalog/catalog.hpp"

namespace gradref::catalog {

struct Mismatch {
  std::string output;
  std::int64_t index = 0;
  std::string exact;      ///< decimal
  double candidate = 0;
  std::string bound;      ///< decimal
  std::string reason;     ///< "error exceeds bound", "missing output", "not finite", ...
};

struct Comparison {
  bool passed = true;
  double worst_ratio = 0;          ///< max |candidate - exact| / bound over elements (0/0 counts 0)
  std::optional<Mismatch> failure;  ///< the worst failing element
  bool bound_finite = true;        ///< false if the error model could not bound some element
  std::string describe() const;
};

/// Compares `candidate` (outputs computed in `dtype`) with the exact reference.
Comparison compare(const Entry& entry, const Case& c, Dtype dtype, const NamedArrays<double>& candidate);

}  // namespace gradref::catalog
