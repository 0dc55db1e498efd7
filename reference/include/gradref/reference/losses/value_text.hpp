#pragma once
// How the reference writes a refused input value into an InvalidInput message.
#include <string>

#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {

inline std::string value_text(const Real& x) { return to_decimal(x, 17); }
inline std::string value_text(const Tracked& x) { return to_decimal(x.value(), 17); }

}  // namespace gradref::reference
