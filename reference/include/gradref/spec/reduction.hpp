#pragma once
// How a loss reduces its per-element (or per-row) values: the convention every
// framework exposes as `reduction`. Shared by the losses that offer it.
#include <array>

#include "gradref/spec/fields.hpp"

namespace gradref::spec {

enum class Reduction { none, sum, mean };

/// The spellings of a `reduction` field, in the order `gradref ops` lists them.
inline constexpr std::array<Alternative<Reduction>, 3> reduction_alternatives{{
    {"mean", Reduction::mean},
    {"sum", Reduction::sum},
    {"none", Reduction::none},
}};

}  // namespace gradref::spec
