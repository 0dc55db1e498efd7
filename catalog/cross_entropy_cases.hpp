#pragma once
// Case generators and known-wrong variants of the cross_entropy catalog entry.
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/spec/cross_entropy.hpp"

namespace gradref::catalog::cross_entropy_cases {

/// Every kind of case: index or probability targets, weights, ignored positions,
/// label smoothing, [N, C] and [N, C, d1..dk], logits to 1e4 in magnitude, ties,
/// one dominant class, subnormals.
rc::Gen<Case> any(Dtype dtype);
/// Logits within a few units of each other (and probability targets inside (0, 1)):
/// every gradient entry is large enough for 512-bit finite differences to resolve
/// 40 digits, and no perturbation leaves the valid inputs.
rc::Gen<Case> moderate(Dtype dtype);
/// Logits so large that exp overflows without the max shift.
rc::Gen<Case> large(Dtype dtype);
/// Weighted index targets under the mean, the weights not all equal.
rc::Gen<Case> weighted_mean(Dtype dtype);
/// Index targets under the mean with ignored positions.
rc::Gen<Case> ignored_mean(Dtype dtype);
/// Index targets with label smoothing and ignored positions.
rc::Gen<Case> smoothed_with_ignored(Dtype dtype);

/// A small valid case, the starting point of the invalid ones.
Case base_case();

std::vector<WrongVariant> wrong_variants();

}  // namespace gradref::catalog::cross_entropy_cases
