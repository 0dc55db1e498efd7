#pragma once
// GAN training dynamics: plain gradient steps of the two players on a GAN objective
// (spec/gan.hpp) over fixed samples x, z (and a, for the penalty), in the order and
// with the learning rates of spec/gan_dynamics.hpp (reference/models/two_player.hpp).
#include <vector>

#include "gradref/reference/models/gan.hpp"
#include "gradref/spec/gan_dynamics.hpp"

namespace gradref::reference {

/// A GAN game's settings: which objectives the players follow and the penalty's weight.
struct GanGameSpec {
  spec::GanGame game = spec::GanGame::minimax;
  double lambda = 0.0;  ///< wasserstein: the gradient penalty's weight (0: none)
};

/// One point of a trajectory: the parameters, what D ascends there and what G descends.
template <class T>
struct GanPoint {
  GanParams<T> params;
  T discriminator_objective;
  T generator_loss;
};

/// The points visited from `start` (dynamics.steps + 1). `a` [M] is needed only for
/// the wasserstein game with lambda > 0. Throws InvalidInput naming `op`'s fields
/// (the spec::gan checks name the gan op's inputs).
template <class T>
std::vector<GanPoint<T>> gan_trajectory(const GanGameSpec& game, const spec::TwoPlayerDynamics& dynamics,
                                        const Array<T>& x, const Array<T>& z, const Array<T>* a,
                                        const GanParams<T>& start, const char* op);

}  // namespace gradref::reference
