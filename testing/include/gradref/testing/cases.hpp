#pragma once
// Valid inputs for a user's own implementation of an op: the catalog's RapidCheck
// generators (hard cases included: huge and tiny magnitudes, subnormals, long step
// counts), pinned to one framework's conventions, and the case's values read back
// in the user's float type.
#include <cstdint>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"

namespace gradref::testing {

using catalog::Case;
using catalog::Dtype;

/// The number fields the preset sets to a nonzero value (lr, beta1, eps, ...): the
/// fields cases() varies unless told otherwise. Fields the preset switches off
/// (a weight decay of 0, a flag left false) and every flag and choice stay at the
/// preset's value, so a user's implementation need not support them.
std::vector<std::string> hyperparameters(const std::string& op, const std::string& preset);

/// Every case the op's generator draws: every preset, every convention, in `dtype`.
rc::Gen<Case> cases(const std::string& op, Dtype dtype);

/// Cases under `preset`'s conventions. The catalog's generator draws a case; its
/// spec is replaced by the preset's, with the fields named in `vary` taken from the
/// drawn spec (so hyperparameters still vary). A drawn case whose inputs the pinned
/// spec cannot run (a state slot it needs was not drawn) is discarded. A case may
/// carry inputs its spec does not use (AMSGrad's max drawn for a plain Adam).
/// Throws InvalidInput for an unknown op, preset or field.
rc::Gen<Case> cases(const std::string& op, Dtype dtype, const std::string& preset);
rc::Gen<Case> cases(const std::string& op, Dtype dtype, const std::string& preset, const std::vector<std::string>& vary);

/// `count` cases from `gen`, deterministic for a seed (sizes cycle through 1..100
/// as RapidCheck's do), for plain GoogleTest loops outside a property.
std::vector<Case> sample(const rc::Gen<Case>& gen, int count, std::uint64_t seed = 1);

/// The input's values in T (float or double), row-major; throws InvalidInput if the
/// case has no such input or a value is not exactly representable in T.
template <class T>
std::vector<T> input(const Case& c, const std::string& name);

/// The input's shape.
Shape shape(const Case& c, const std::string& name);

/// A number or integer field of the case's spec, as double.
double number(const Case& c, const std::string& field);
/// A flag field of the case's spec.
bool flag(const Case& c, const std::string& field);
/// A choice or text field of the case's spec.
std::string choice(const Case& c, const std::string& field);

extern template std::vector<float> input<float>(const Case&, const std::string&);
extern template std::vector<double> input<double>(const Case&, const std::string&);

}  // namespace gradref::testing
