#pragma once
// Choices the accumulator rules (AdaGrad, RMSProp, Adadelta) share: where eps enters
// the root, and the weight-decay styles SGD defines.
#include <array>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/sgd.hpp"

namespace gradref::spec {

/// Where eps enters the denominator: sqrt(S) + eps or sqrt(S + eps).
enum class RootEps { outside, inside };

inline constexpr std::array root_eps_placements{Alternative<RootEps>{"outside", RootEps::outside},
                                                Alternative<RootEps>{"inside", RootEps::inside}};

inline constexpr std::array decay_styles{Alternative<DecayStyle>{"coupled", DecayStyle::coupled},
                                         Alternative<DecayStyle>{"decoupled", DecayStyle::decoupled}};

}  // namespace gradref::spec
