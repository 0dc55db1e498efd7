#pragma once
// Definition of reference::gan_trajectory (instantiated in reference/src/models/gan_dynamics.cpp).
// The discriminator's parameters are played as the flat vector d = (w, b), the
// generator's as g = (A row-major, c); each gradient is one reference::gan call.
#include <cstdint>
#include <string>
#include <vector>

#include "gradref/reference/models/gan.hpp"
#include "gradref/reference/models/gan_dynamics.hpp"
#include "gradref/reference/models/two_player.hpp"
#include "gradref/spec/fields.hpp"

namespace gradref::reference {

namespace gan_dynamics_detail {

template <class T>
Array<T> concatenated(const Array<T>& first, const Array<T>& second) {
  std::vector<T> v(first.values());
  v.insert(v.end(), second.values().begin(), second.values().end());
  const auto n = static_cast<std::int64_t>(v.size());
  return Array<T>(Shape{n}, std::move(v));
}

template <class T>
Array<T> part(const Array<T>& flat, std::int64_t offset, const Shape& shape) {
  const auto first = flat.values().begin() + offset;
  return Array<T>(shape, std::vector<T>(first, first + element_count(shape)));
}

template <class T>
Array<T> scaled(const Array<T>& v, double factor) {
  return v.template map<T>([factor](const T& x) { return T(factor) * x; });
}

template <class T>
Array<T> added(const Array<T>& u, const Array<T>& v) {
  Array<T> out = u;
  for (std::int64_t i = 0; i < u.size(); ++i) out[i] = u[i] + v[i];
  return out;
}

template <class T>
class GanGame {
 public:
  GanGame(const GanGameSpec& s, const Array<T>& x, const Array<T>& z, const Array<T>* a, const GanParams<T>& shapes)
      : spec_(s), x_(x), z_(z), a_(a), shapes_(shapes) {}

  Players<T> pack(const GanParams<T>& p) const { return {concatenated(p.w, p.b), concatenated(p.A, p.c)}; }

  GanParams<T> unpack(const Array<T>& d, const Array<T>& g) const {
    const std::int64_t dim = shapes_.w.size(), weights = shapes_.A.size();
    return {part(g, 0, shapes_.A.shape()), part(g, weights, shapes_.c.shape()), part(d, 0, shapes_.w.shape()),
            part(d, dim, Shape{})};
  }

  /// The gradient of what D ascends, in (w, b).
  Array<T> discriminator_gradient(const Array<T>& d, const Array<T>& g) const {
    const GanParams<T> p = unpack(d, g);
    if (spec_.game != spec::GanGame::wasserstein) {
      const GanResult<T> r = evaluate(spec::GanObjective::minimax, p);
      return concatenated(r.grad_w, r.grad_b);
    }
    GanResult<T> r = evaluate(spec::GanObjective::wgan_critic, p);
    Array<T> gw = r.grad_w, gb = r.grad_b;
    if (spec_.lambda > 0) {
      const GanResult<T> penalty = evaluate(spec::GanObjective::gradient_penalty, p);
      gw = added(gw, penalty.grad_w);
      gb = added(gb, penalty.grad_b);
    }
    return scaled(concatenated(gw, gb), -1.0);
  }

  /// The gradient of what G descends, in (A, c).
  Array<T> generator_gradient(const Array<T>& d, const Array<T>& g) const {
    const GanParams<T> p = unpack(d, g);
    switch (spec_.game) {
      case spec::GanGame::minimax: {
        const GanResult<T> r = evaluate(spec::GanObjective::minimax, p);
        return concatenated(r.grad_A, r.grad_c);
      }
      case spec::GanGame::non_saturating: {
        const GanResult<T> r = evaluate(spec::GanObjective::non_saturating, p);
        return concatenated(r.grad_A, r.grad_c);
      }
      case spec::GanGame::wasserstein: break;
    }
    const GanResult<T> r = evaluate(spec::GanObjective::wgan_critic, p);
    return scaled(concatenated(r.grad_A, r.grad_c), -1.0);
  }

  GanPoint<T> point(const Players<T>& players) const {
    GanParams<T> p = unpack(players.discriminator, players.generator);
    T objective(0.0), loss(0.0);
    if (spec_.game == spec::GanGame::wasserstein) {
      const T critic = evaluate(spec::GanObjective::wgan_critic, p).value;
      const T penalty = spec_.lambda > 0 ? evaluate(spec::GanObjective::gradient_penalty, p).value : T(0.0);
      objective = -(critic + penalty);
      loss = -critic;
    } else {
      objective = evaluate(spec::GanObjective::minimax, p).value;
      loss = spec_.game == spec::GanGame::minimax ? objective : evaluate(spec::GanObjective::non_saturating, p).value;
    }
    return {std::move(p), objective, loss};
  }

 private:
  GanResult<T> evaluate(spec::GanObjective objective, const GanParams<T>& p) const {
    spec::Gan s;
    s.objective = objective;
    s.discriminator = spec_.game == spec::GanGame::wasserstein ? spec::GanDiscriminator::affine
                                                               : spec::GanDiscriminator::logistic;
    s.lambda = spec_.lambda;
    return gan(s, x_, z_, p, objective == spec::GanObjective::gradient_penalty ? a_ : nullptr);
  }

  GanGameSpec spec_;
  const Array<T>& x_;
  const Array<T>& z_;
  const Array<T>* a_;
  const GanParams<T>& shapes_;
};

}  // namespace gan_dynamics_detail

template <class T>
std::vector<GanPoint<T>> gan_trajectory(const GanGameSpec& game, const spec::TwoPlayerDynamics& dynamics,
                                        const Array<T>& x, const Array<T>& z, const Array<T>* a,
                                        const GanParams<T>& start, const char* op) {
  spec::validate(dynamics, op);
  spec::require_finite_at_least(game.lambda, 0.0, op, "lambda", "a finite number >= 0");
  const bool penalty = game.game == spec::GanGame::wasserstein && game.lambda > 0;
  if (penalty && !a) throw InvalidInput(op, "inputs.a", "missing", "the mixing weights a [M] for the penalty");
  const gan_dynamics_detail::GanGame<T> g(game, x, z, penalty ? a : nullptr, start);
  // One evaluation up front: shape and value errors name the gan op's fields.
  g.point(g.pack(start));
  const std::vector<Players<T>> path = two_player_trajectory(dynamics, g, g.pack(start));
  std::vector<GanPoint<T>> out;
  out.reserve(path.size());
  for (const Players<T>& p : path) out.push_back(g.point(p));
  return out;
}

}  // namespace gradref::reference
