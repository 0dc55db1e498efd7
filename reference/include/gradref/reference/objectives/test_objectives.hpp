#pragma once
// Factories of the test objectives (spec/objective.hpp has the formulas). Each
// returns a reference::Objective<T> whose value, gradient and Hessian follow the
// operation order of fast/objectives/objective.hpp, so that T = Tracked is the
// error model of the fast kernels. Instantiated for Real and Tracked in
// reference/src/objectives/test_objectives.cpp. Errors are InvalidInput naming `op`.
#include <cstdint>

#include "gradref/reference/array.hpp"
#include "gradref/reference/objectives/objective.hpp"
#include "gradref/spec/objective.hpp"

namespace gradref::reference {

/// 1/2 theta^T A theta + b^T theta + c; A symmetric [n, n], b [n], c [] (one value).
template <class T>
Objective<T> quadratic(const Array<T>& A, const Array<T>& b, const Array<T>& c, const char* op = "objective");

/// sum_{i < n-1} b (theta_{i+1} - theta_i^2)^2 + (a - theta_i)^2, n >= 2.
template <class T>
Objective<T> rosenbrock(std::int64_t n, double a = 1.0, double b = 100.0, const char* op = "objective");

/// 0.5 (theta_1^2 - theta_2)^2 + 0.5 (theta_1 - 1)^2, n = 2.
template <class T>
Objective<T> coupled(const char* op = "objective");

/// (1/m) sum_i [log(1 + exp(z_i)) - y_i z_i] + (l2 / 2) ||theta||^2, z = features theta;
/// features [m, n], labels [m] in {0, 1}.
template <class T>
Objective<T> logistic(const Array<T>& features, const Array<T>& labels, double l2 = 0.0, const char* op = "objective");

/// The data inputs an objective may take; null where absent.
template <class T>
struct ObjectiveData {
  const Array<T>* A = nullptr;
  const Array<T>* b = nullptr;
  const Array<T>* c = nullptr;
  const Array<T>* features = nullptr;
  const Array<T>* labels = nullptr;
};

/// The objective `spec` describes, on `data`, for a theta like `theta`: checks
/// theta's shape and values and the data the kind takes (spec::objective_dimension).
template <class T>
Objective<T> objective_from(const spec::Objective& spec, const ObjectiveData<T>& data, const Array<T>& theta,
                            const char* op = "objective");

}  // namespace gradref::reference
