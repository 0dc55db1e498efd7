#pragma once
// bfloat16 mixed precision for the update rules (gradref/fast/rules/mixed_precision.hpp):
// bfloat16 param and grad, float32 state, an optional float32 master. The kernel
// is the float32 rule with bfloat16 loads and stores, so its error model is the
// float32 one: the reference run on Tracked in float32, with param rounded to
// bfloat16 where the kernel rounds it (after every step without a master; once, from
// the master, with one). The catalog's Entry::fast stays float32/float64; mixed
// precision is this separate, generic layer over the rule entries.
#include <functional>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/compare.hpp"

namespace gradref::catalog {

/// A mixed-precision case is a rule's case whose param and grad are bfloat16
/// values; with a master it has one more input, "master" ([*param], float32): the
/// parameters the rule steps (param is then only written).
struct MixedRule {
  const Entry* entry;
  /// Outputs: "param" (bfloat16 values), the state, "step", and "master" if given.
  std::function<NamedArrays<double>(const Case&)> fast;
  /// Per output element, a bound on |fast - exact|, exact being entry->reference
  /// on exact_case(c); "master" bounds the master, "param" the bfloat16 param.
  std::function<NamedArrays<Real>(const Case&)> error_bound;
};

/// Every rule with a mixed-precision kernel (every elementwise rule), in ops.def order.
const std::vector<MixedRule>& mixed_rules();

/// The rule's case the outputs approximate: param := master when there is one.
Case exact_case(const Case& c);

/// The rule's float32 cases with param and grad rounded to bfloat16; with `master`,
/// the float32 param kept as the master.
rc::Gen<Case> mixed_cases(const MixedRule& rule, bool master);

/// compare() for mixed outputs: param against its bound, and the master, when the
/// case has one, against the master's (the float32 rule's) bound.
Comparison compare_mixed(const MixedRule& rule, const Case& c, const NamedArrays<double>& candidate);

}  // namespace gradref::catalog
