#pragma once
// The alternatives of spec::DecayStyle (spec/sgd.hpp) for the rules that share it,
// with SGD's spelling: "coupled" (L2, g += wd theta) and "decoupled"
// (theta -= lr wd theta before the step).
#include <array>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/sgd.hpp"

namespace gradref::spec {

inline constexpr std::array decay_styles{Alternative<DecayStyle>{"coupled", DecayStyle::coupled},
                                         Alternative<DecayStyle>{"decoupled", DecayStyle::decoupled}};

}  // namespace gradref::spec
