#pragma once
// What the theorem files share: their working precision, and a silent count of the
// drawn cases on which a check fails, for showing that a deliberately broken rule
// fails the very check the right one passes (rc::check would print a
// counterexample and a failure message for an expected failure).
#include <rapidcheck.h>

#include <cstdint>

#include "gradref/reference/real.hpp"

namespace gradref::properties::theorems {

/// The precision the theorems are checked at; tolerances are 2^-(kBits - k) for
/// the small k each file argues.
constexpr unsigned kBits = 512;

/// 2^-e at the working precision.
inline Real two_to_minus(int e) { return pow(Real(2), -e); }

/// How many of `cases` values drawn from `gen` (fixed seeds, sizes 1 to 100, as the
/// wrong-variant test draws them) make `holds` false.
template <class T, class Holds>
int failures(const rc::Gen<T>& gen, int cases, Holds holds) {
  int failed = 0;
  for (int i = 0; i < cases; ++i) {
    const T x = gen(rc::Random(static_cast<std::uint64_t>(5000 + i)), 1 + i % 100).value();
    if (!holds(x)) ++failed;
  }
  return failed;
}

}  // namespace gradref::properties::theorems
