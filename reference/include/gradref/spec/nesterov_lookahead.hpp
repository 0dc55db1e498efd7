#pragma once
// Nesterov momentum in its original look-ahead form (Nesterov 1983; Sutskever et al.
// 2013; Goodfellow et al. 2016, Algorithm 8.3):
//
//   g <- grad L(theta + mu v)       (maximize: -grad)
//   v <- mu v - lr g
//   theta <- theta + v
//
// The gradient is taken at the look-ahead point, not at theta, so the rule needs
// the objective itself, not a gradient: the reference takes a gradient callback;
// the catalog op takes a quadratic objective L = 1/2 theta^T A theta + b^T theta
// (A symmetric), whose gradient A x + b it evaluates at each look-ahead point.
// PyTorch's, optax's and Keras's `nesterov` is the reformulated form (sgd.hpp),
// the same algorithm in the variable theta + mu v.
#include <array>
#include <cstdint>
#include <vector>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

struct NesterovLookahead {
  static constexpr const char* op = "nesterov_lookahead";

  double lr = 0.01;
  double momentum = 0.9;
  std::int64_t steps = 1;
  bool maximize = false;

  template <class V>
  void describe(V& v) {
    v.number("lr", lr, "learning rate eps; >= 0");
    v.number("momentum", momentum, "momentum factor alpha; in [0, 1)");
    v.integer("steps", steps, "steps taken by the call; in [1, 100000]");
    v.flag("maximize", maximize, "gradient ascent: step along +grad");
  }
};

inline void validate(const NesterovLookahead& s) {
  require_finite_at_least(s.lr, 0.0, NesterovLookahead::op, "lr", "a finite number >= 0");
  require_in_unit_interval(s.momentum, NesterovLookahead::op, "momentum");
  require(s.steps >= 1 && s.steps <= 100000, NesterovLookahead::op, "steps", std::to_string(s.steps),
          "an integer in [1, 100000]");
}

inline std::vector<const char*> slots(const NesterovLookahead&) { return {"velocity"}; }

inline constexpr std::array<Preset<NesterovLookahead>, 1> nesterov_lookahead_presets{{
    {"textbook", "Goodfellow, Bengio & Courville, Deep Learning (2016), Algorithm 8.3 (no defaults; gradref: "
                 "eps 0.01, alpha 0.9)",
     [](NesterovLookahead& s) { s = NesterovLookahead{}; }},
}};
inline const auto& presets_of(const NesterovLookahead*) { return nesterov_lookahead_presets; }

/// The quadratic objective's shapes: param [n], hessian [n, n], linear [n].
inline void require_quadratic(const char* op, const Shape& param, const Shape& hessian, const Shape& linear) {
  if (param.size() != 1) throw InvalidInput(op, "param.shape", shape_text(param), "[n] (a vector)");
  require_shape(op, "hessian", hessian, Shape{param[0], param[0]});
  require_shape(op, "linear", linear, param);
}

}  // namespace gradref::spec
