#pragma once
// A wrong variant's run written once for float and double.
#include <functional>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/support.hpp"

namespace gradref::catalog {

/// Runs body(c, zero) with zero a float or a double, as the case's dtype says.
template <class F>
std::function<NamedArrays<double>(const Case&, Dtype)> run_in_dtype(F body) {
  return [body](const Case& c, Dtype dtype) { return with_dtype(dtype, [&](auto zero) { return body(c, zero); }); };
}

}  // namespace gradref::catalog
