#pragma once
// Definition of reference::nll (instantiated in reference/src).
//
// Per target position i (n * inner + k) with class y = target[i]:
//   ignored (y = ignore_index):  w_i = 0, t_i = 0
//   otherwise:                   w_i = weight[y] (1 without weight), t_i = -(w_i * x[n, y, k])
// then none: loss = t (the target's shape), grad[n, y, k] = -w_i;
//      sum:  loss = sum_i t_i, grad as for none;
//      mean: W = sum_i w_i (the count of non-ignored targets, exact, without weight),
//            refused when W = 0; loss = (sum_i t_i) / W, grad[n, y, k] = -(w_i / W).
// Every other gradient entry is 0. Both sums run over all positions, ignored ones
// as zero terms, with the blocked-pairwise structure of fast/reduction.hpp. The
// gradient divides once, w_i / W, rather than multiplying by a rounded 1 / W. The
// order of operations is the fast kernel's, which the Tracked instantiation
// analyses; without weight, w_i * x is 1 * x, exact, as the kernel's plain -x is,
// and 1 and the count are constants of the dtype (dtype_constant).
#include <vector>

#include "gradref/reference/losses/exact_value.hpp"
#include "gradref/reference/losses/nll.hpp"
#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/math.hpp"

namespace gradref::reference {

template <class T>
NllResult<T> nll(const spec::Nll& s, const Array<T>& input, const Array<std::int64_t>& target, const Array<T>* weight) {
  const spec::ClassLayout layout =
      spec::nll_layout(s, input.shape(), target.shape(), weight ? &weight->shape() : nullptr);
  const auto text = [](const Real& x) { return value_text(x); };
  spec::check_class_targets(spec::Nll::op, target.span(), layout.classes, s.ignore_index);
  if (weight) {
    const std::vector<Real> w = exact_values_of(weight->span());
    spec::check_class_weights(spec::Nll::op, weight->shape(), std::span<const Real>(w), layout.classes, text);
  }
  const std::vector<Real> x = exact_values_of(input.span());
  spec::check_nll_input(std::span<const Real>(x), text);

  const std::int64_t positions = layout.positions();
  std::vector<T> terms(static_cast<std::size_t>(positions), T(0.0)), weights(terms.size(), T(0.0));
  std::int64_t counted = 0;
  for (std::int64_t i = 0; i < positions; ++i) {
    const std::int64_t y = target[i];
    if (y == s.ignore_index) continue;
    const T w = weight ? (*weight)[y] : dtype_constant(input[0], 1.0);
    terms[static_cast<std::size_t>(i)] = -(w * input[layout.offset(i, y)]);
    weights[static_cast<std::size_t>(i)] = w;
    ++counted;
  }

  Array<T> grad(input.shape(), T(0.0));
  const auto scatter = [&](auto&& gradient_of) {
    for (std::int64_t i = 0; i < positions; ++i)
      if (target[i] != s.ignore_index)
        grad[layout.offset(i, target[i])] = gradient_of(weights[static_cast<std::size_t>(i)]);
  };
  if (s.reduction != spec::Reduction::mean) {
    scatter([](const T& w) { return -w; });
    if (s.reduction == spec::Reduction::none) return {Array<T>(layout.target_shape, std::move(terms)), std::move(grad)};
    return {Array<T>(Shape{}, std::vector<T>{sum(std::span<const T>(terms))}), std::move(grad)};
  }
  const T total_weight =
      weight ? sum(std::span<const T>(weights)) : dtype_constant(input[0], static_cast<double>(counted));
  spec::require_positive_total_weight(spec::Nll::op, total_weight > T(0.0));
  scatter([&total_weight](const T& w) { return -(w / total_weight); });
  const T total = sum(std::span<const T>(terms));
  return {Array<T>(Shape{}, std::vector<T>{total / total_weight}), std::move(grad)};
}

}  // namespace gradref::reference
