#pragma once
// What the catalog entries of bce and bce_with_logits share: their optional
// elementwise weights, and the generators of shapes, labels and weights.
#include <optional>

#include "gradref/catalog/catalog.hpp"
#include "gradref/reference/tracked.hpp"
#include "gradref/spec/reduction.hpp"

namespace gradref::catalog::binary {

/// The named input, or null when the case has none.
const Array<Real>* optional_input(const Case& c, const char* name);

/// The named input as the kernel holds it in `dtype`, or nothing when the case has none.
std::optional<Array<Tracked>> optional_tracked(const Case& c, const char* name, Dtype dtype);

/// Every reduction, equally often.
rc::Gen<spec::Reduction> reductions();

/// Shape [], [n] (to 200, several blocks of 64) or [N, C].
rc::Gen<Shape> shapes();

/// A target in [0, 1]: hard labels 0 and 1, soft labels on a grid of 1e-6, and
/// (when `half`) 0.5 itself.
rc::Gen<double> labels(Dtype dtype, bool half);

/// A weight: ordinary values up to 10, zeros and subnormals, and (when `one`) 1 itself.
rc::Gen<double> weights(Dtype dtype, bool one);

}  // namespace gradref::catalog::binary
