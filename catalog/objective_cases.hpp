#pragma once
// What the ops that take a test objective (objective, armijo) share in the catalog:
// the objective's data inputs of a case in each backend's form, and generators of
// objective cases (theta, the kind's data and the spec's objective fields).
#include <optional>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/objectives/objective.hpp"
#include "gradref/reference/objectives/test_objectives.hpp"

namespace gradref::catalog::objectives {

/// The data inputs (A, b, c, features, labels) present in the case.
reference::ObjectiveData<Real> real_data(const Case& c);

/// The data inputs held exactly in `dtype` with no error yet.
struct TrackedData {
  std::optional<Array<Tracked>> A, b, c, features, labels;
  reference::ObjectiveData<Tracked> view() const;
};
TrackedData tracked_data(const Case& c, Dtype dtype);

/// The data inputs as the fast kernel holds them (exact, or InvalidInput naming `op`).
template <class T>
struct FastData {
  std::vector<T> A, b, c, features, labels;
  fast::ObjectiveData<T> view() const { return {A, b, c, features, labels}; }
};
template <class T>
FastData<T> fast_data(const Case& c, const char* op);

/// Checks the case's shapes and values for `s` as the reference does (naming `op`),
/// for the fast path; returns n.
template <class T>
std::int64_t check_fast(const spec::Objective& s, const Case& c, const char* op, const FastData<T>& data,
                        const std::vector<T>& theta);

/// A symmetric A [n, n] exact in `dtype`: Q diag(lambda) Q^T from the fast
/// spectral_quadratic in the dtype, with eigenvalues in [lo, hi] (ordinary sizes),
/// or (when `definite` is false, one time in three) a random symmetric matrix.
rc::Gen<std::vector<double>> symmetric_matrix(Dtype dtype, std::int64_t n, bool definite);

/// Random Givens rotations for n coordinates with prod (p^2 + q^2) <= 4096.
rc::Gen<std::vector<spec::Givens>> rotations(std::int64_t n);

/// An objective case for `op`: spec fields of spec::Objective (merged into `fields`),
/// theta and the kind's data, exact in `dtype`. `convex`: quadratics positive
/// definite (for line searches).
rc::Gen<Case> objective_case(Dtype dtype, const char* op, Json fields, bool convex,
                             std::optional<spec::ObjectiveKind> kind = std::nullopt);

}  // namespace gradref::catalog::objectives
