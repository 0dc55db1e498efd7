#pragma once
// Two-player gradient dynamics: a discriminator (or critic, the max player) ascends
// its objective with learning rate lr_discriminator, a generator (the min player)
// descends its loss with lr_generator. Separate rates are the two time-scale update
// rule (Heusel et al., GANs Trained by a Two Time-Scale Update Rule Converge to a
// Local Nash Equilibrium, NeurIPS 2017). The order of the two steps:
//   simultaneous                 both gradients at (d_t, g_t)
//   alternating                  d_{t+1} from (d_t, g_t), then g_{t+1} from (d_{t+1}, g_t)
//                                (Goodfellow et al. 2014, Algorithm 1 with k = 1)
//   alternating_generator_first  g_{t+1} from (d_t, g_t), then d_{t+1} from (d_t, g_{t+1})
// The GAN game (reference/models/gan_dynamics.hpp) plays one of the objectives of
// spec/gan.hpp; the bilinear game min_x max_y x y is played by the theorem
// properties/theorems/bilinear_game.cpp with the same code.
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include "gradref/spec/fields.hpp"

namespace gradref::spec {

enum class UpdateOrder { simultaneous, alternating, alternating_generator_first };

inline constexpr std::array update_orders{
    Alternative<UpdateOrder>{"simultaneous", UpdateOrder::simultaneous},
    Alternative<UpdateOrder>{"alternating", UpdateOrder::alternating},
    Alternative<UpdateOrder>{"alternating_generator_first", UpdateOrder::alternating_generator_first}};

struct TwoPlayerDynamics {
  UpdateOrder order = UpdateOrder::alternating;
  double lr_discriminator = 0.1;
  double lr_generator = 0.1;
  std::int64_t steps = 100;
};

/// `op` names the caller in errors (a command, a theorem).
inline void validate(const TwoPlayerDynamics& s, const char* op) {
  require_finite_at_least(s.lr_discriminator, 0.0, op, "lr_discriminator", "a finite number >= 0");
  require_finite_at_least(s.lr_generator, 0.0, op, "lr_generator", "a finite number >= 0");
  require(s.steps >= 0 && s.steps <= 1000000, op, "steps", std::to_string(s.steps), "an integer in [0, 1000000]");
}

/// Which GAN objectives the players follow (spec/gan.hpp):
///   minimax         D ascends V, G descends V (logistic D)
///   non_saturating  D ascends V, G descends -mean log D(G(z)) (logistic D)
///   wasserstein     the affine critic ascends -(wgan_critic + gradient_penalty) (the penalty
///                   only when lambda > 0), G descends -wgan_critic (= -mean f(G(z)) + mean f(x):
///                   the same gradient in A and c as -mean f(G(z)))
enum class GanGame { minimax, non_saturating, wasserstein };

inline constexpr std::array gan_games{Alternative<GanGame>{"minimax", GanGame::minimax},
                                      Alternative<GanGame>{"non_saturating", GanGame::non_saturating},
                                      Alternative<GanGame>{"wasserstein", GanGame::wasserstein}};

}  // namespace gradref::spec
