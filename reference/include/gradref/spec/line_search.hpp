#pragma once
// Line searches along a direction d from theta.
//   exact_line_search: on the quadratic 1/2 theta^T A theta + b^T theta (+ c), the
//     step that minimizes L(theta + eta d): eta = -d^T (A theta + b) / (d^T A d),
//     defined when d^T A d > 0.
//   armijo: backtracking on any objective: the first of eta0, shrink eta0,
//     shrink^2 eta0, ... (each the previous times shrink) with
//     L(theta + eta d) <= L(theta) + c eta d^T g,  g = grad L(theta),
//     trying at most max_backtracks + 1 steps; d must be a descent direction,
//     d^T g < 0.
#include <array>
#include <cmath>
#include <cstdint>

#include "gradref/spec/objective.hpp"

namespace gradref::spec {

struct ExactLineSearch {
  static constexpr const char* op = "exact_line_search";
  template <class V>
  void describe(V&) {}
};
inline void validate(const ExactLineSearch&) {}

inline constexpr std::array<Preset<ExactLineSearch>, 1> exact_line_search_presets{{
    {"textbook",
     "Nocedal & Wright, Numerical Optimization, 2nd ed., sec. 3.3 (steepest descent with exact line search on a "
     "quadratic); Goodfellow et al. 2016, sec. 4.3.1 (the step g^T g / g^T H g for d = -g)",
     [](ExactLineSearch& s) { s = ExactLineSearch{}; }},
}};
inline const auto& presets_of(const ExactLineSearch*) { return exact_line_search_presets; }

struct Armijo {
  static constexpr const char* op = "armijo";

  Objective objective;
  double eta0 = 1.0;
  double c = 1e-4;
  double shrink = 0.5;
  std::int64_t max_backtracks = 50;

  template <class V>
  void describe(V& v) {
    objective.describe(v);
    v.number("eta0", eta0, "the first step tried; finite, > 0");
    v.number("c", c, "the sufficient-decrease constant in L(theta + eta d) <= L(theta) + c eta d^T g; in (0, 1)");
    v.number("shrink", shrink, "the backtracking factor: each step tried is the previous times shrink; in (0, 1)");
    v.integer("max_backtracks", max_backtracks,
              "how many times the step may shrink (max_backtracks + 1 steps are tried); 0 to 10000");
  }
};

inline void validate(const Armijo& s) {
  validate_objective(s.objective, Armijo::op);
  require(std::isfinite(s.eta0) && s.eta0 > 0, Armijo::op, "eta0", format_double(s.eta0), "a finite number > 0");
  require(s.c > 0 && s.c < 1, Armijo::op, "c", format_double(s.c), "a number in (0, 1)");
  require(s.shrink > 0 && s.shrink < 1, Armijo::op, "shrink", format_double(s.shrink), "a number in (0, 1)");
  require(s.max_backtracks >= 0 && s.max_backtracks <= 10000, Armijo::op, "max_backtracks",
          std::to_string(s.max_backtracks), "an integer in [0, 10000]");
}

inline constexpr std::array<Preset<Armijo>, 1> armijo_presets{{
    {"textbook",
     "Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 3.1 (backtracking line search) with c = 1e-4 "
     "(sec. 3.1), initial step 1 and contraction factor rho = 0.5 (gradref's choice in (0, 1)); Armijo, Pacific J. "
     "Math. 16(1), 1966",
     [](Armijo& s) { s = Armijo{}; }},
}};
inline const auto& presets_of(const Armijo*) { return armijo_presets; }

}  // namespace gradref::spec
