#pragma once
// Definition of reference::entropy (instantiated in reference/src).
//
// Per element, with p given as probabilities:
//   l = log p  (-inf at p = 0),   t = 0 if p = 0 else p * l,   grad = -(l + 1) * scale
// and with p given as l = log p (finite):
//   e = exp(l),   t = e * l,   grad = -((l + 1) * e) * scale
// Per row H = -sum_k t_k (the blocked-pairwise sum of fast/reduction.hpp), then over
// rows sum or mean (H summed with the same structure, divided by N). scale is 1/N,
// rounded to the dtype, for the mean and 1 otherwise. No step cancels a term below
// the working precision: log is taken of the exact input, never of 1 + something.
// The order of operations is the fast kernel's, which the Tracked instantiation
// analyses.
#include <vector>

#include "gradref/reference/losses/entropy.hpp"
#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/math.hpp"

namespace gradref::reference {

template <class T>
EntropyResult<T> entropy(const spec::Entropy& s, const Array<T>& p) {
  using std::exp;
  using std::log;
  const auto [rows, classes] = spec::entropy_dims(s, p.shape());
  spec::check_distribution(spec::Entropy::op, "p", p.span(), s.p_form,
                           [](const T& x) { return value_text(x); });

  const bool log_form = s.p_form == spec::Form::log;
  const bool scaled = s.reduction == spec::Reduction::mean && rows > 1;
  const T scale = scaled ? T(1.0) / T(static_cast<double>(rows)) : T(1.0);
  std::vector<T> losses;
  losses.reserve(static_cast<std::size_t>(rows));
  Array<T> grad(p.shape(), T(0.0));
  std::vector<T> terms(static_cast<std::size_t>(classes), T(0.0));

  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t k = 0; k < classes; ++k) {
      const T& x = p[i * classes + k];
      T t(0.0), g(0.0);
      if (log_form) {
        const T e = exp(x);
        t = e * x;
        g = -((x + T(1.0)) * e);
      } else {
        const T l = log(x);
        if (!(x == T(0.0))) t = x * l;
        g = -(l + T(1.0));
      }
      terms[static_cast<std::size_t>(k)] = t;
      grad[i * classes + k] = scaled ? g * scale : g;
    }
    losses.push_back(-sum(std::span<const T>(terms)));
  }

  if (s.reduction == spec::Reduction::none) return {Array<T>(Shape{rows}, std::move(losses)), std::move(grad)};
  T total = sum(std::span<const T>(losses));
  if (s.reduction == spec::Reduction::mean) total = total / T(static_cast<double>(rows));
  return {Array<T>(Shape{}, std::vector<T>{total}), std::move(grad)};
}

}  // namespace gradref::reference
