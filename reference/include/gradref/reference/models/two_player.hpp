#pragma once
// Gradient dynamics of a two-player game (spec/gan_dynamics.hpp), generic over the
// scalar and the game. A Game provides
//   Array<T> discriminator_gradient(const Array<T>& d, const Array<T>& g) const;  // ascended
//   Array<T> generator_gradient(const Array<T>& d, const Array<T>& g) const;      // descended
// over flat parameter vectors d (the max player's) and g (the min player's). A step is
//   d <- d + lr_discriminator * discriminator_gradient,  g <- g - lr_generator * generator_gradient
// with the gradients taken where the order says (simultaneous: both at the old point).
#include <vector>

#include "gradref/reference/array.hpp"
#include "gradref/spec/gan_dynamics.hpp"

namespace gradref::reference {

template <class T>
struct Players {
  Array<T> discriminator;
  Array<T> generator;
};

namespace two_player_detail {
/// p + sign * lr * gradient, elementwise (lr * gradient rounded once, then the sum).
template <class T>
Array<T> moved(const Array<T>& p, const T& lr, const Array<T>& gradient, bool ascend) {
  Array<T> out = p;
  for (std::int64_t i = 0; i < p.size(); ++i) {
    const T step = lr * gradient[i];
    out[i] = ascend ? p[i] + step : p[i] - step;
  }
  return out;
}
}  // namespace two_player_detail

/// One step from `p`.
template <class T, class Game>
Players<T> two_player_step(const spec::TwoPlayerDynamics& s, const Game& game, const Players<T>& p) {
  using two_player_detail::moved;
  const T lr_d(s.lr_discriminator), lr_g(s.lr_generator);
  switch (s.order) {
    case spec::UpdateOrder::simultaneous: {
      const Array<T> gd = game.discriminator_gradient(p.discriminator, p.generator);
      const Array<T> gg = game.generator_gradient(p.discriminator, p.generator);
      return {moved(p.discriminator, lr_d, gd, true), moved(p.generator, lr_g, gg, false)};
    }
    case spec::UpdateOrder::alternating: {
      Array<T> d = moved(p.discriminator, lr_d, game.discriminator_gradient(p.discriminator, p.generator), true);
      Array<T> g = moved(p.generator, lr_g, game.generator_gradient(d, p.generator), false);
      return {std::move(d), std::move(g)};
    }
    case spec::UpdateOrder::alternating_generator_first: {
      Array<T> g = moved(p.generator, lr_g, game.generator_gradient(p.discriminator, p.generator), false);
      Array<T> d = moved(p.discriminator, lr_d, game.discriminator_gradient(p.discriminator, g), true);
      return {std::move(d), std::move(g)};
    }
  }
  return p;
}

/// The points visited: start, then one per step (s.steps + 1 in all).
template <class T, class Game>
std::vector<Players<T>> two_player_trajectory(const spec::TwoPlayerDynamics& s, const Game& game, Players<T> start) {
  std::vector<Players<T>> out;
  out.reserve(static_cast<std::size_t>(s.steps) + 1);
  out.push_back(std::move(start));
  for (std::int64_t t = 0; t < s.steps; ++t) out.push_back(two_player_step(s, game, out.back()));
  return out;
}

}  // namespace gradref::reference
