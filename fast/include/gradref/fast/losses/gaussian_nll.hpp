#pragma once
// Fast Gaussian negative log-likelihood (loss and the gradients with respect to
// input, target and, for a per-element variance, var, in one call) for float and
// double. Elementwise in the order of reference/losses/gaussian_nll_impl.hpp, with
// Highway's Log (<= 4 ULP), in blocks of sum_block over a static partition of
// threads; the losses of sum and mean are reduced with the blocked-pairwise
// structure of reduction.hpp.
#include <span>

#include "gradref/spec/gaussian_nll.hpp"

namespace gradref::fast {

/// input, target, grad_input, grad_target: element_count(shape) values each; var
/// and grad_var: as many when the spec's variance is input, empty when it is fixed.
/// loss: element_count(shape) values for reduction none, else 1. Validates like the
/// reference.
template <class T>
void gaussian_nll(const spec::GaussianNll& spec, const Shape& shape, std::span<const T> input,
                  std::span<const T> target, std::span<const T> var, std::span<T> loss, std::span<T> grad_input,
                  std::span<T> grad_target, std::span<T> grad_var);

extern template void gaussian_nll<float>(const spec::GaussianNll&, const Shape&, std::span<const float>,
                                         std::span<const float>, std::span<const float>, std::span<float>,
                                         std::span<float>, std::span<float>, std::span<float>);
extern template void gaussian_nll<double>(const spec::GaussianNll&, const Shape&, std::span<const double>,
                                          std::span<const double>, std::span<const double>, std::span<double>,
                                          std::span<double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
