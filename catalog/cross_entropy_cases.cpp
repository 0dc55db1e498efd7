// Generators of cross_entropy cases. Every value is exact in the case's dtype.
#include "cross_entropy_cases.hpp"

#include <algorithm>

#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"

namespace gradref::catalog::cross_entropy_cases {
namespace {

using spec::CrossEntropy;
using spec::Reduction;
using spec::TargetType;

/// What a generator may choose; each `any` is left to chance.
struct Options {
  rc::Gen<double> logit;
  bool force_indices = false;
  bool force_weights = false;
  bool force_mean = false;
  bool force_ignored = false;
  bool force_smoothing = false;
  bool interior_probabilities = false;  ///< probabilities in (0, 1), never 0 or 1
};

/// [N, C], or [N, C, d1(, d2)] for rows short enough to keep a case small.
Shape logits_shape(std::int64_t rows, std::int64_t classes) {
  const int rank = classes > 24 ? 2 : *rc::gen::weightedOneOf<int>({{6, rc::gen::just(2)}, {2, rc::gen::just(3)}, {1, rc::gen::just(4)}});
  Shape shape{rows, classes};
  for (int k = 2; k < rank; ++k) shape.push_back(*rc::gen::inRange<std::int64_t>(1, 4));
  return shape;
}

/// Logit rows: independent values, every class tied, or one class 60 ahead.
std::vector<double> logits_of(const spec::ClassLayout& l, Dtype dtype, const rc::Gen<double>& logit, bool allow_ties) {
  std::vector<double> z = *gen::values(l.positions() * l.classes, logit);
  const int pattern = *rc::gen::inRange(allow_ties ? 0 : 2, 5);
  for (std::int64_t i = 0; i < l.positions(); ++i) {
    const std::int64_t first = l.offset(i, 0);
    for (std::int64_t c = 1; c < l.classes && pattern == 1; ++c) z[static_cast<std::size_t>(l.offset(i, c))] = z[static_cast<std::size_t>(first)];
    if (pattern == 2) {
      const auto dominant = static_cast<std::size_t>(l.offset(i, l.classes / 2));
      z[dominant] = gen::in_dtype(z[dominant] + 60, dtype);
    }
  }
  return z;
}

/// A probability row: one-hot, random values in [0, 1] (not normalized), or a
/// normalized random distribution rounded to the dtype.
void probabilities_row(std::vector<double>& q, const spec::ClassLayout& l, std::int64_t i, Dtype dtype, bool interior) {
  const int pattern = *rc::gen::inRange(interior ? 1 : 0, 3);
  const auto at = [&](std::int64_t c) -> double& { return q[static_cast<std::size_t>(l.offset(i, c))]; };
  if (pattern == 0) {
    const std::int64_t hot = *rc::gen::inRange<std::int64_t>(0, l.classes);
    for (std::int64_t c = 0; c < l.classes; ++c) at(c) = c == hot ? 1.0 : 0.0;
    return;
  }
  double total = 0;
  for (std::int64_t c = 0; c < l.classes; ++c) {
    at(c) = gen::in_dtype(*rc::gen::inRange(1, 1000001) * 1e-6, dtype);
    total += at(c);
  }
  if (pattern == 2)
    for (std::int64_t c = 0; c < l.classes; ++c) at(c) = gen::in_dtype(std::min(1.0, at(c) / total), dtype);
  if (interior)
    for (std::int64_t c = 0; c < l.classes; ++c) at(c) = std::clamp(at(c), 1e-6, 1 - 1e-6);
}

rc::Gen<Case> generate(Dtype dtype, Options o) {
  return rc::gen::exec([dtype, o] {
    CrossEntropy s;
    s.reduction = o.force_mean ? Reduction::mean : *rc::gen::element(Reduction::mean, Reduction::sum, Reduction::none);
    s.target_type = o.force_indices || *rc::gen::inRange(0, 3) > 0 ? TargetType::indices : TargetType::probabilities;
    const bool indices = s.target_type == TargetType::indices;
    if (o.force_smoothing || *rc::gen::inRange(0, 2) == 0)
      s.label_smoothing = *rc::gen::element(0.05, 0.1, 0.25, 0.5, 0.9, 1.0, 0.3);
    if (o.force_smoothing && s.label_smoothing == 0) s.label_smoothing = 0.1;

    const std::int64_t rows = *rc::gen::inRange(1, 7);
    const std::int64_t classes = *rc::gen::weightedOneOf<std::int64_t>(
        {{1, rc::gen::just<std::int64_t>(1)}, {6, rc::gen::inRange<std::int64_t>(2, 24)}, {1, rc::gen::inRange<std::int64_t>(60, 140)}});
    const Shape shape = logits_shape(rows, classes);
    const spec::ClassLayout l = spec::class_layout(CrossEntropy::op, "logits", shape);

    // All classes tied under a uniform target mass (all smoothing, eps = 1) makes the
    // exact gradient 0, which no finite precision reproduces from rounded sums: such
    // cases cannot be certified, so the generator leaves ties out there.
    const bool allow_ties = s.label_smoothing < 1.0;
    const std::vector<double> z = logits_of(l, dtype, o.logit, allow_ties);

    const bool weighted = o.force_weights || *rc::gen::inRange(0, 3) == 0;
    std::vector<double> w;
    if (weighted) {
      w = *gen::values(classes, rc::gen::weightedOneOf<double>(
                                    {{1, rc::gen::just(0.0)},
                                     {2, rc::gen::just(1.0)},
                                     {5, rc::gen::map(rc::gen::inRange(1, 4001), [dtype](int k) { return gen::in_dtype(k / 1000.0, dtype); })}}));
      if (o.force_weights) w[0] = w.size() > 1 && w[1] == 0.5 ? 0.25 : 0.5;  // not all equal
    }

    Case c{CrossEntropy::op, Json(), {}};
    c.inputs.emplace("logits", gen::real_array(shape, z));
    if (weighted) c.inputs.emplace("weight", gen::real_array({classes}, w));

    if (indices) {
      const bool ignore_a_class = classes > 1 && *rc::gen::inRange(0, 4) == 0;
      if (ignore_a_class) s.ignore_index = *rc::gen::inRange<std::int64_t>(0, classes);
      std::vector<double> y(static_cast<std::size_t>(l.positions()));
      for (auto& t : y) t = static_cast<double>(*rc::gen::inRange<std::int64_t>(0, classes));
      if (o.force_ignored || *rc::gen::inRange(0, 3) == 0)
        for (auto& t : y)
          if (*rc::gen::inRange(0, 3) == 0) t = static_cast<double>(s.ignore_index);
      if (o.force_ignored && l.positions() > 1) y[0] = static_cast<double>(s.ignore_index);
      // The mean needs a target of positive weight: make the last position one.
      if (s.reduction == Reduction::mean) {
        std::int64_t pick = -1;
        for (std::int64_t k = 0; k < classes && pick < 0; ++k)
          if (k != s.ignore_index && (!weighted || w[static_cast<std::size_t>(k)] > 0)) pick = k;
        if (pick < 0) {
          s.ignore_index = spec::default_ignore_index;
          pick = 0;
        }
        if (weighted && w[static_cast<std::size_t>(pick)] == 0) w[static_cast<std::size_t>(pick)] = 1;
        y.back() = static_cast<double>(pick);
        if (weighted) c.inputs.insert_or_assign("weight", gen::real_array({classes}, w));
      }
      c.inputs.emplace("target", gen::real_array(l.target_shape, y));
    } else {
      std::vector<double> q(static_cast<std::size_t>(l.positions() * classes));
      for (std::int64_t i = 0; i < l.positions(); ++i) probabilities_row(q, l, i, dtype, o.interior_probabilities);
      c.inputs.emplace("target", gen::real_array(shape, q));
    }
    c.spec = spec_to_json(s);
    return c;
  });
}

rc::Gen<double> any_logit(Dtype dtype) {
  return rc::gen::weightedOneOf<double>(
      {{6, gen::ordinary(dtype, -2, 1)},
       {1, rc::gen::map(gen::ordinary(dtype, 3, 3), [dtype](double x) { return gen::in_dtype(10 * x, dtype); })},  // |z| to 1e4
       {1, gen::hard(dtype, 1e4)}});
}

}  // namespace

rc::Gen<Case> any(Dtype dtype) { return generate(dtype, {any_logit(dtype)}); }

rc::Gen<Case> moderate(Dtype dtype) {
  Options o{gen::ordinary(dtype, -2, 1)};
  o.interior_probabilities = true;
  return generate(dtype, o);
}

rc::Gen<Case> large(Dtype dtype) {
  const double lo = dtype == Dtype::float32 ? 100 : 800;
  Options o{rc::gen::map(rc::gen::inRange(0, 1000), [dtype, lo](int k) { return gen::in_dtype(lo + k * lo / 100, dtype); })};
  return generate(dtype, o);
}

rc::Gen<Case> weighted_mean(Dtype dtype) {
  Options o{any_logit(dtype)};
  o.force_indices = o.force_weights = o.force_mean = true;
  return generate(dtype, o);
}

rc::Gen<Case> ignored_mean(Dtype dtype) {
  Options o{any_logit(dtype)};
  o.force_indices = o.force_mean = o.force_ignored = true;
  return generate(dtype, o);
}

rc::Gen<Case> smoothed_with_ignored(Dtype dtype) {
  Options o{any_logit(dtype)};
  o.force_indices = o.force_ignored = o.force_smoothing = true;
  return generate(dtype, o);
}

Case base_case() {
  Case c{CrossEntropy::op, spec_to_json(CrossEntropy{}), {}};
  c.inputs.emplace("logits", gen::real_array({2, 3}, {1, 2, 3, -1, 0, 1}));
  c.inputs.emplace("target", gen::real_array({2}, {0, 2}));
  return c;
}

}  // namespace gradref::catalog::cross_entropy_cases
