// Known-wrong cross-entropy implementations: the loops a user might write from the
// formula, each with one classic mistake. The comparison must reject every one.
#include <algorithm>
#include <cmath>

#include "cross_entropy_cases.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"

namespace gradref::catalog::cross_entropy_cases {
namespace {

using spec::CrossEntropy;

enum class Flaw { no_max_shift, mean_by_count, mean_counts_ignored, smoothing_on_ignored, gradient_without_softmax };

template <class T>
NamedArrays<double> naive(const Case& c, Flaw flaw) {
  const CrossEntropy s = spec_from_json<CrossEntropy>(c.spec, "");
  const Array<Real>& logits_in = input(c, "logits");
  const spec::ClassLayout l = spec::class_layout(CrossEntropy::op, "logits", logits_in.shape());
  const bool indices = s.target_type == spec::TargetType::indices;
  const std::vector<T> z = exact_values<T>(logits_in, CrossEntropy::op, "logits");
  const auto weight_it = c.inputs.find("weight");
  std::vector<T> w(static_cast<std::size_t>(l.classes), T(1));
  if (weight_it != c.inputs.end()) w = exact_values<T>(weight_it->second, CrossEntropy::op, "weight");
  std::vector<std::int64_t> y;
  std::vector<T> q;
  if (indices)
    y = integer_values(input(c, "target"), CrossEntropy::op, "target");
  else
    q = exact_values<T>(input(c, "target"), CrossEntropy::op, "target");
  const T eps = static_cast<T>(s.label_smoothing), classes = static_cast<T>(l.classes);

  std::vector<T> loss(static_cast<std::size_t>(l.positions()), T(0)), grad(z.size(), T(0)),
      grad_target(indices ? 0 : z.size(), T(0));
  T weight_sum = 0, count = 0;
  for (std::int64_t i = 0; i < l.positions(); ++i) {
    const bool ignored = indices && y[static_cast<std::size_t>(i)] == s.ignore_index;
    if (ignored && !(flaw == Flaw::smoothing_on_ignored && eps > 0)) continue;
    const auto at = [&](std::int64_t k) { return static_cast<std::size_t>(l.offset(i, k)); };
    if (!ignored) {
      count += 1;
      weight_sum += indices ? w[static_cast<std::size_t>(y[static_cast<std::size_t>(i)])] : T(1);
    }
    T m = 0;
    if (flaw != Flaw::no_max_shift)
      for (std::int64_t k = 0; k < l.classes; ++k) m = k == 0 ? z[at(k)] : std::max(m, z[at(k)]);
    T total = 0;
    for (std::int64_t k = 0; k < l.classes; ++k) total += std::exp(z[at(k)] - m);
    const T log_total = std::log(total);
    std::vector<T> t(static_cast<std::size_t>(l.classes));
    T mass = 0;
    for (std::int64_t k = 0; k < l.classes; ++k) {
      const auto kk = static_cast<std::size_t>(k);
      if (indices)
        t[kk] = (ignored ? T(0) : (1 - eps) * w[kk] * T(k == y[static_cast<std::size_t>(i)])) + eps / classes * w[kk];
      else
        t[kk] = w[kk] * ((1 - eps) * q[at(k)] + eps / classes);
      mass += t[kk];
    }
    for (std::int64_t k = 0; k < l.classes; ++k) {
      const auto kk = static_cast<std::size_t>(k);
      const T log_p = z[at(k)] - m - log_total;
      loss[static_cast<std::size_t>(i)] -= t[kk] * log_p;
      const T p = flaw == Flaw::gradient_without_softmax ? std::exp(z[at(k)] - m) : std::exp(log_p);
      grad[at(k)] = mass * p - t[kk];
      if (!indices) grad_target[at(k)] = -w[kk] * (1 - eps) * log_p;
    }
  }
  T divisor = 1;
  if (s.reduction == spec::Reduction::mean) {
    divisor = indices ? weight_sum : static_cast<T>(l.positions());
    if (flaw == Flaw::mean_by_count) divisor = count;
    if (flaw == Flaw::mean_counts_ignored) divisor = static_cast<T>(l.positions());
  }
  for (T& g : grad) g /= divisor;
  for (T& g : grad_target) g /= divisor;
  NamedArrays<double> out;
  if (s.reduction == spec::Reduction::none) {
    out.emplace("loss", widened<T>(l.target_shape, loss));
  } else {
    T sum = 0;
    for (T x : loss) sum += x;
    out.emplace("loss", Array<double>(Shape{}, std::vector<double>{static_cast<double>(sum / divisor)}));
  }
  out.emplace("grad_logits", widened<T>(logits_in.shape(), grad));
  if (!indices) out.emplace("grad_target", widened<T>(logits_in.shape(), grad_target));
  return out;
}

WrongVariant variant(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), Flaw flaw) {
  return {std::move(name), std::move(description), g, [flaw](const Case& c, Dtype dtype) {
            return with_dtype(dtype, [&](auto zero) { return naive<decltype(zero)>(c, flaw); });
          }};
}

}  // namespace

std::vector<WrongVariant> wrong_variants() {
  return {
      variant("no_max_shift", "log(sum(exp(z))) without subtracting the row max: overflows on large logits", large,
              Flaw::no_max_shift),
      variant("weighted_mean_by_count", "the weighted mean divides by the number of targets, not their total weight",
              weighted_mean, Flaw::mean_by_count),
      variant("mean_counts_ignored", "the mean divides by every position, ignored targets included", ignored_mean,
              Flaw::mean_counts_ignored),
      variant("smoothing_on_ignored", "label smoothing's uniform part also charged at ignored targets",
              smoothed_with_ignored, Flaw::smoothing_on_ignored),
      variant("gradient_without_softmax", "gradient T exp(z - max) - t, never divided by the sum", any,
              Flaw::gradient_without_softmax),
  };
}

}  // namespace gradref::catalog::cross_entropy_cases
