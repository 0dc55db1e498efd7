#pragma once
// Generators for the inputs of the information-theory losses: rows of discrete
// distributions [N, K], as probabilities or log-probabilities, exact in the dtype.
#include <cstdint>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/spec/distribution.hpp"

namespace gradref::catalog::gen {

enum class Rows {
  hard,        ///< normalized (then rounded), one-hot, uniform, with zeros, with tiny entries, unnormalized
  with_zeros,  ///< prob form: normalized rows with at least one zero each (log form: as hard)
  moderate,    ///< strictly positive and moderate: probabilities in [1e-3, 1], logs in [-5, 1]
};

/// rows * classes values of `form`, row-major. With `subnormals` false the tiny
/// probabilities stay >= 1e-30, so that p / q cannot overflow for q drawn this way.
rc::Gen<std::vector<double>> distribution_rows(Dtype dtype, spec::Form form, std::int64_t rows,
                                               std::int64_t classes, Rows kind, bool subnormals = true);

/// K: 1 now and then, usually 2 to 40, sometimes 60 to 200 (several summation blocks).
rc::Gen<std::int64_t> class_count();

}  // namespace gradref::catalog::gen
