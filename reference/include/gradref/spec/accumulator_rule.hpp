#pragma once
// Choices the accumulator rules (AdaGrad, RMSProp, Adadelta) share: where eps enters
// the root, and (decay_styles.hpp) the weight-decay styles SGD defines.
#include <array>

#include "gradref/spec/decay_styles.hpp"
#include "gradref/spec/fields.hpp"

namespace gradref::spec {

/// Where eps enters the denominator: sqrt(S) + eps or sqrt(S + eps).
enum class RootEps { outside, inside };

inline constexpr std::array root_eps_placements{Alternative<RootEps>{"outside", RootEps::outside},
                                                Alternative<RootEps>{"inside", RootEps::inside}};

}  // namespace gradref::spec
