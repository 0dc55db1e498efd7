#pragma once
// Test objectives L(theta), theta in R^n, with exact gradients and Hessians:
//   quadratic   1/2 theta^T A theta + b^T theta + c      (A symmetric [n, n], b [n], c [])
//   rosenbrock  sum_{i < n-1} b (theta_{i+1} - theta_i^2)^2 + (a - theta_i)^2   (n >= 2)
//   coupled     0.5 (theta_1^2 - theta_2)^2 + 0.5 (theta_1 - 1)^2              (n = 2)
//   logistic    (1/m) sum_i [log(1 + exp(z_i)) - y_i z_i] + (l2 / 2) ||theta||^2,
//               z = X theta, X = features [m, n], y = labels [m] in {0, 1}
// The spec picks the kind and its scalar parameters; the data (A, b, c, features,
// labels) are inputs. The checks here are shared by every layer and by every op
// that takes an objective (objective, armijo): `op` names the op in errors.
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>

#include "gradref/spec/bce.hpp"  // require_values_in, largest_double
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

enum class ObjectiveKind { quadratic, rosenbrock, coupled, logistic };

inline constexpr std::array objective_kinds{
    Alternative<ObjectiveKind>{"quadratic", ObjectiveKind::quadratic},
    Alternative<ObjectiveKind>{"rosenbrock", ObjectiveKind::rosenbrock},
    Alternative<ObjectiveKind>{"coupled", ObjectiveKind::coupled},
    Alternative<ObjectiveKind>{"logistic", ObjectiveKind::logistic}};

struct Objective {
  static constexpr const char* op = "objective";

  ObjectiveKind kind = ObjectiveKind::quadratic;
  double rosenbrock_a = 1.0;
  double rosenbrock_b = 100.0;
  double l2 = 0.0;

  template <class V>
  void describe(V& v) {
    v.choice("kind", kind, objective_kinds,
             "quadratic: 1/2 theta^T A theta + b^T theta + c (inputs A, b, c); rosenbrock: sum b (theta_{i+1} - "
             "theta_i^2)^2 + (a - theta_i)^2 (n >= 2); coupled: 0.5 (theta_1^2 - theta_2)^2 + 0.5 (theta_1 - 1)^2 "
             "(n = 2); logistic: mean negative log-likelihood of labels under sigmoid(features theta), plus "
             "(l2 / 2) ||theta||^2 (inputs features, labels)");
    v.number("rosenbrock_a", rosenbrock_a, "Rosenbrock's a (minimum at theta = (a, a^2, ...)); finite");
    v.number("rosenbrock_b", rosenbrock_b, "Rosenbrock's b, the weight of the valley term; finite, >= 0");
    v.number("l2", l2, "logistic: the L2 penalty (l2 / 2) ||theta||^2; finite, >= 0");
  }
};

/// The objective fields' checks, naming `op` (objective or an op that takes one).
inline void validate_objective(const Objective& s, const char* op) {
  require(std::isfinite(s.rosenbrock_a), op, "rosenbrock_a", format_double(s.rosenbrock_a), "a finite number");
  require_finite_at_least(s.rosenbrock_b, 0.0, op, "rosenbrock_b", "a finite number >= 0");
  require_finite_at_least(s.l2, 0.0, op, "l2", "a finite number >= 0");
}
inline void validate(const Objective& s) { validate_objective(s, Objective::op); }

inline constexpr std::array<Preset<Objective>, 1> objective_presets{{
    {"textbook",
     "Rosenbrock, The Computer Journal 3(3), 1960 (a = 1, b = 100), in the chained n-dimensional form of SciPy's "
     "scipy.optimize.rosen; the quadratic and logistic regression of Goodfellow et al. 2016, sec. 4.3 and 5.7.1; "
     "no L2 penalty",
     [](Objective& s) { s = Objective{}; }},
}};
inline const auto& presets_of(const Objective*) { return objective_presets; }

/// The shapes of the data inputs an objective may take; null where absent.
struct ObjectiveShapes {
  const Shape* A = nullptr;
  const Shape* b = nullptr;
  const Shape* c = nullptr;
  const Shape* features = nullptr;
  const Shape* labels = nullptr;
};

namespace detail {
inline void require_present(const char* op, const char* name, const Shape* shape, bool wanted, const char* why) {
  if (wanted && !shape) throw InvalidInput(op, std::string("inputs.") + name, "missing", why);
  if (!wanted && shape)
    throw InvalidInput(op, std::string("inputs.") + name, "given", std::string("no ") + name + " input for this kind");
}
}  // namespace detail

/// Checks theta ([n], n >= 1; n >= 2 for rosenbrock, n = 2 for coupled) and the
/// data inputs the kind takes (and that it takes no others). Returns n.
inline std::int64_t objective_dimension(const Objective& s, const char* op, const Shape& theta,
                                        const ObjectiveShapes& in) {
  if (theta.size() != 1 || theta[0] < 1)
    throw InvalidInput(op, "theta.shape", shape_text(theta), "shape [n] with n >= 1");
  const std::int64_t n = theta[0];
  const bool quadratic = s.kind == ObjectiveKind::quadratic, logistic = s.kind == ObjectiveKind::logistic;
  detail::require_present(op, "A", in.A, quadratic, "an array A [n, n] for the quadratic");
  detail::require_present(op, "b", in.b, quadratic, "an array b [n] for the quadratic");
  detail::require_present(op, "c", in.c, quadratic, "a scalar c [] for the quadratic");
  detail::require_present(op, "features", in.features, logistic, "an array features [m, n] for logistic");
  detail::require_present(op, "labels", in.labels, logistic, "an array labels [m] for logistic");
  if (s.kind == ObjectiveKind::rosenbrock && n < 2)
    throw InvalidInput(op, "theta.shape", shape_text(theta), "shape [n] with n >= 2 for rosenbrock");
  if (s.kind == ObjectiveKind::coupled && n != 2)
    throw InvalidInput(op, "theta.shape", shape_text(theta), "shape [2] for coupled");
  if (quadratic) {
    require_shape(op, "A", *in.A, {n, n});
    require_shape(op, "b", *in.b, {n});
    require_shape(op, "c", *in.c, {});
  }
  if (logistic) {
    if (in.features->size() != 2 || (*in.features)[0] < 1 || (*in.features)[1] != n)
      throw InvalidInput(op, "features.shape", shape_text(*in.features), "shape [m, n] with m >= 1, n = theta's");
    require_shape(op, "labels", *in.labels, {(*in.features)[0]});
  }
  return n;
}

/// The value checks: every input finite, A symmetric, labels 0 or 1.
template <class V, class Text>
void check_objective_values(const char* op, std::int64_t n, std::span<const V> theta, std::span<const V> A,
                            std::span<const V> b, std::span<const V> c, std::span<const V> features,
                            std::span<const V> labels, const Text& text) {
  require_values_in(op, "theta", theta, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "A", A, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "b", b, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "c", c, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "features", features, -largest_double, largest_double, "a finite number", text);
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (!(labels[i] == V(0.0) || labels[i] == V(1.0)))
      throw InvalidInput(op, "labels[" + std::to_string(i) + "]", text(labels[i]), "a label 0 or 1");
  if (!A.empty())
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = i + 1; j < n; ++j)
        if (!(A[static_cast<std::size_t>(i * n + j)] == A[static_cast<std::size_t>(j * n + i)]))
          throw InvalidInput(op, "A[" + std::to_string(i * n + j) + "]", text(A[static_cast<std::size_t>(i * n + j)]),
                             "a symmetric A: A[" + std::to_string(i) + ", " + std::to_string(j) + "] = A[" +
                                 std::to_string(j) + ", " + std::to_string(i) + "]");
}

}  // namespace gradref::spec
