// Fast softmax cross-entropy, in the reference's order (cross_entropy_impl.hpp), per
// target position's row z of C logits:
//   1. m = max_j z_j; jm = the first j with z_j = m
//   2. e_j = exp(z_j - m), kept in the gradient row; r = sum_{j != jm} e_j (blocks of
//      sum_block, pairwise over blocks); S = r + 1; log S = log1p(r)
//   3. single-class target (index, no smoothing), mass a = w_y:
//        loss = a (log S + (m - z_y)); grad_j = e_j a / S, grad_y = -(a Rm_y) / S
//      target mass t over the classes (probabilities, or smoothed indices):
//        loss = sum_j t_j (log S + (m - z_j));
//        grad_j = (e_j Tm_j - t_j Rm_j) / S with Tm_j = T - t_j, Rm_j = S - e_j in the
//        vector pass, then the class of largest mass (Tm = sum of the others' mass) and
//        jm (Rm = r) redone as scalars
//   4. gradients times the mean's scale
// Summing around the dominant class keeps the loss and gradient accurate relative to
// their size when one class dominates (no 1 - p cancellation). A row stays in cache
// between passes for vocabulary-sized rows, so keeping e_j costs less than computing
// exp twice. Rows of [N, C, d1..dk] inputs are strided by d1*...*dk: they are gathered
// into a contiguous scratch row and scattered back. Per-position losses are reduced
// after all rows are done, with the same blocked pairwise sum, so nothing depends on
// the thread count.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/cross_entropy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "gradref/fast/threads.hpp"
#include "losses/cross_entropy_job.hpp"
#include "pairwise.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Below this many logits per thread, a thread costs more than it saves.
constexpr std::int64_t kGrainElements = 1 << 15;

/// The `count` (< one vector) values at x, the other lanes set to `pad`.
template <class D, class T = hn::TFromD<D>>
hn::Vec<D> LoadPadded(D d, const T* x, std::int64_t count, T pad) {
  HWY_ALIGN T buf[hn::MaxLanes(d)];
  std::fill(buf, buf + hn::MaxLanes(d), pad);
  std::memcpy(buf, x, static_cast<std::size_t>(count) * sizeof(T));
  return hn::Load(d, buf);
}

/// Stores the first `count` lanes of v at x.
template <class D, class T = hn::TFromD<D>>
void StorePartial(D d, hn::Vec<D> v, T* x, std::int64_t count) {
  HWY_ALIGN T buf[hn::MaxLanes(d)];
  hn::Store(v, d, buf);
  std::memcpy(x, buf, static_cast<std::size_t>(count) * sizeof(T));
}

/// Applies `f(j, count)` to the vectors starting at j = 0, lanes, ... of a row of n
/// elements; count < lanes only for the tail.
template <class D, class F>
void ForVectors(D d, std::int64_t n, const F& f) {
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  std::int64_t j = 0;
  for (; j + lanes <= n; j += lanes) f(j, lanes);
  if (j < n) f(j, n - j);
}

/// sum_j of the lanes of term(j, count) over a row of n elements, in the blocked
/// pairwise structure of reduction.hpp (sum_block is a multiple of every lane count).
/// term must return zero in lanes >= count.
template <class D, class Term, class T = hn::TFromD<D>>
T RowSum(D d, std::int64_t n, const Term& term) {
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  return pairwise_blocks<T>(0, block_count(n), [&](std::int64_t block) {
    const std::int64_t end = std::min(n, (block + 1) * sum_block);
    auto acc = hn::Zero(d);
    for (std::int64_t j = block * sum_block; j < end; j += lanes) acc = hn::Add(acc, term(j, std::min(lanes, end - j)));
    return hn::GetLane(hn::SumOfLanes(d, acc));
  });
}

/// Contiguous views of one position's row, and scratch for its target mass.
template <class T>
struct RowView {
  const T* z;
  const T* q;  ///< probability target, or nullptr
  T* grad;
  T* grad_target;  ///< or nullptr
  T* mass;         ///< scratch: C values
};

template <class T>
T Row(const CrossEntropyJob<T>& job, std::int64_t position, const RowView<T>& v) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d)), classes = job.classes;
  const T* z = v.z;
  T* grad = v.grad;
  const auto load = [&](const T* x, std::int64_t j, std::int64_t count, T pad) {
    return count == lanes ? hn::LoadU(d, x + j) : LoadPadded(d, x + j, count, pad);
  };
  const auto store = [&](V x, T* out, std::int64_t j, std::int64_t count) {
    if (count == lanes)
      hn::StoreU(x, d, out + j);
    else
      StorePartial(d, x, out + j, count);
  };
  const auto lane_is = [&](std::int64_t index, std::int64_t first) {
    return hn::Eq(hn::Iota(d, 0), hn::Set(d, static_cast<T>(index - first)));
  };
  const auto tail_mask = [&](std::int64_t count) { return hn::FirstN(d, static_cast<std::size_t>(count)); };

  // 1. max and its first position.
  V vmax = hn::Set(d, z[0]);
  ForVectors(d, classes, [&](std::int64_t j, std::int64_t count) { vmax = hn::Max(vmax, load(z, j, count, z[0])); });
  const T m = hn::GetLane(hn::MaxOfLanes(d, vmax));
  std::int64_t jm = 0;
  while (!(z[jm] == m)) ++jm;

  // 2. e_j into grad; r sums every e_j but e_jm.
  const V shift = hn::Set(d, m);
  const T r = RowSum(d, classes, [&](std::int64_t j, std::int64_t count) {
    const V e = hn::IfThenElseZero(tail_mask(count), hn::Exp(d, hn::Sub(load(z, j, count, m), shift)));
    store(e, grad, j, count);
    return (jm >= j && jm < j + lanes) ? hn::IfThenZeroElse(lane_is(jm, j), e) : e;
  });
  grad[jm] = T(1);  // exp(0), as the reference holds it
  const T s = r + T(1);
  const T log_s = std::log1p(r);
  const T inv = T(1) / s;
  const V inv_v = hn::Set(d, inv), scale_v = hn::Set(d, job.scale), s_v = hn::Set(d, s);
  const auto finish = [&](V g) { return job.scaled ? hn::Mul(hn::Mul(g, inv_v), scale_v) : hn::Mul(g, inv_v); };
  const auto finish_scalar = [&](T g) { return job.scaled ? (g * inv) * job.scale : g * inv; };

  // 3. Single-class target.
  if (job.indices && !job.smoothing) {
    const std::int64_t y = job.indices[position];
    const T a = job.weight ? job.weight[y] : T(1);
    const T rest_y = y == jm ? r : s - grad[y];
    const V a_v = hn::Set(d, a);
    ForVectors(d, classes, [&](std::int64_t j, std::int64_t count) {
      store(finish(hn::Mul(load(grad, j, count, T(0)), a_v)), grad, j, count);
    });
    grad[y] = finish_scalar(-(a * rest_y));
    return a * (log_s + (m - z[y]));
  }

  // 3. Target mass over the classes.
  T* t = v.mass;
  const V keep = hn::Set(d, job.keep), spread = hn::Set(d, job.spread);
  if (job.indices) {
    const std::int64_t y = job.indices[position];
    ForVectors(d, classes, [&](std::int64_t j, std::int64_t count) {
      store(job.weight ? hn::Mul(spread, load(job.weight, j, count, T(0))) : spread, t, j, count);
    });
    t[y] = (job.weight ? job.keep * job.weight[y] : job.keep) + t[y];
  } else {
    ForVectors(d, classes, [&](std::int64_t j, std::int64_t count) {
      V x = load(v.q, j, count, T(0));
      if (job.smoothing) x = hn::Add(hn::Mul(x, keep), spread);
      if (job.weight) x = hn::Mul(x, load(job.weight, j, count, T(0)));
      store(x, t, j, count);
    });
  }
  std::int64_t jt = 0;
  for (std::int64_t j = 1; j < classes; ++j)
    if (t[jt] < t[j]) jt = j;
  const T t_rest = RowSum(d, classes, [&](std::int64_t j, std::int64_t count) {
    const V x = hn::IfThenElseZero(tail_mask(count), load(t, j, count, T(0)));
    return (jt >= j && jt < j + lanes) ? hn::IfThenZeroElse(lane_is(jt, j), x) : x;
  });
  const T t_total = t_rest + t[jt];

  const V log_s_v = hn::Set(d, log_s);
  const auto nlp = [&](std::int64_t j, std::int64_t count) { return hn::Add(log_s_v, hn::Sub(shift, load(z, j, count, m))); };
  const T loss = RowSum(d, classes, [&](std::int64_t j, std::int64_t count) {
    const V n = nlp(j, count);
    if (v.grad_target) {
      V gt = n;
      if (job.weight) gt = hn::Mul(gt, load(job.weight, j, count, T(0)));
      if (job.smoothing) gt = hn::Mul(gt, keep);
      if (job.scaled) gt = hn::Mul(gt, scale_v);
      store(gt, v.grad_target, j, count);
    }
    return hn::Mul(load(t, j, count, T(0)), n);
  });

  const T e_jt = grad[jt];
  const V total_v = hn::Set(d, t_total), zero = hn::Zero(d);
  ForVectors(d, classes, [&](std::int64_t j, std::int64_t count) {
    const V e = load(grad, j, count, T(0)), tj = load(t, j, count, T(0));
    const V em = hn::Mul(e, hn::Sub(total_v, tj));
    const V g = hn::IfThenElse(hn::Eq(tj, zero), em, hn::Sub(em, hn::Mul(tj, hn::Sub(s_v, e))));
    store(finish(g), grad, j, count);
  });
  // The two lanes whose complements are summed directly (e_jm = 1).
  const auto redo = [&](std::int64_t j, T e) {
    const T tm = j == jt ? t_rest : t_total - t[j];
    const T rm = j == jm ? r : s - e;
    grad[j] = finish_scalar(t[j] == T(0) ? e * tm : e * tm - t[j] * rm);
  };
  redo(jt, e_jt);
  if (jm != jt) redo(jm, T(1));
  return loss;
}

template <class T>
void CrossEntropyRun(const CrossEntropyJob<T>& job) {
  const std::int64_t classes = job.classes, inner = job.inner;
  const std::int64_t grain = std::max<std::int64_t>(1, kGrainElements / classes);
  parallel_for(job.positions, grain, [&job, classes, inner](std::int64_t begin, std::int64_t end) {
    const bool strided = inner > 1;
    const std::size_t c = static_cast<std::size_t>(classes);
    std::vector<T> mass(c), z(strided ? c : 0), q(strided && job.probabilities ? c : 0), g(strided ? c : 0),
        gt(strided && job.grad_target ? c : 0);
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t first = (i / inner) * classes * inner + i % inner;  // class 0 of position i
      const auto clear = [&] {
        for (std::int64_t k = 0; k < classes; ++k) {
          job.grad[first + k * inner] = T(0);
          if (job.grad_target) job.grad_target[first + k * inner] = T(0);
        }
      };
      if (job.indices && job.indices[i] == job.ignore_index) {
        clear();
        job.row_loss[i] = T(0);
        continue;
      }
      if (!strided) {
        job.row_loss[i] = Row(job, i,
                              RowView<T>{job.logits + first, job.probabilities ? job.probabilities + first : nullptr,
                                         job.grad + first, job.grad_target ? job.grad_target + first : nullptr,
                                         mass.data()});
        continue;
      }
      for (std::int64_t k = 0; k < classes; ++k) {
        z[static_cast<std::size_t>(k)] = job.logits[first + k * inner];
        if (job.probabilities) q[static_cast<std::size_t>(k)] = job.probabilities[first + k * inner];
      }
      job.row_loss[i] = Row(job, i,
                            RowView<T>{z.data(), job.probabilities ? q.data() : nullptr, g.data(),
                                       job.grad_target ? gt.data() : nullptr, mass.data()});
      for (std::int64_t k = 0; k < classes; ++k) {
        job.grad[first + k * inner] = g[static_cast<std::size_t>(k)];
        if (job.grad_target) job.grad_target[first + k * inner] = gt[static_cast<std::size_t>(k)];
      }
    }
  });
}

void CrossEntropyFloat(const CrossEntropyJob<float>& job) { CrossEntropyRun(job); }
void CrossEntropyDouble(const CrossEntropyJob<double>& job) { CrossEntropyRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <limits>
#include <string>

#include "gradref/fast/losses/cross_entropy.hpp"
#include "gradref/spec/fields.hpp"

namespace gradref::fast {
namespace detail {

HWY_EXPORT(CrossEntropyFloat);
HWY_EXPORT(CrossEntropyDouble);

void dispatch(const CrossEntropyJob<float>& job) { HWY_DYNAMIC_DISPATCH(CrossEntropyFloat)(job); }
void dispatch(const CrossEntropyJob<double>& job) { HWY_DYNAMIC_DISPATCH(CrossEntropyDouble)(job); }

void require_size(const char* field, std::size_t actual, std::int64_t expected) {
  if (static_cast<std::int64_t>(actual) != expected)
    throw InvalidInput(spec::CrossEntropy::op, field, std::to_string(actual), std::to_string(expected) + " elements");
}

}  // namespace detail

template <class T>
void cross_entropy(const spec::CrossEntropy& s, const CrossEntropyInputs<T>& in, const CrossEntropyOutputs<T>& out) {
  const bool indices = s.target_type == spec::TargetType::indices;
  const Shape weight_shape{static_cast<std::int64_t>(in.weight.size())};
  const spec::ClassLayout l =
      spec::cross_entropy_layout(s, in.logits_shape, in.target_shape, in.has_weight ? &weight_shape : nullptr);
  std::int64_t elements = 1;
  for (std::int64_t extent : in.logits_shape) {
    if (extent > std::numeric_limits<std::int64_t>::max() / elements)
      throw InvalidInput(spec::CrossEntropy::op, "logits.shape", shape_text(in.logits_shape), "fewer than 2^63 elements");
    elements *= extent;
  }
  const bool none = s.reduction == spec::Reduction::none;
  detail::require_size("logits.size", in.logits.size(), elements);
  detail::require_size("grad_logits.size", out.grad_logits.size(), elements);
  detail::require_size("loss.size", out.loss.size(), none ? l.positions() : 1);
  detail::require_size("target.size",
                       indices ? in.indices.size() : in.probabilities.size(), indices ? l.positions() : elements);
  if (!indices) detail::require_size("grad_target.size", out.grad_target.size(), elements);
  const auto text = [](T x) { return spec::format_double(static_cast<double>(x)); };
  spec::check_logits(in.logits, text);
  if (in.has_weight) spec::check_class_weights(spec::CrossEntropy::op, weight_shape, in.weight, l.classes, text);
  if (indices)
    spec::check_class_targets(spec::CrossEntropy::op, in.indices, l.classes, s.ignore_index);
  else
    spec::check_probability_targets(in.probabilities, text);

  // The mean's divisor: total weight of the non-ignored index targets, else a count.
  const bool mean = s.reduction == spec::Reduction::mean;
  T divisor = static_cast<T>(l.positions());
  T scale = static_cast<T>(1.0 / static_cast<double>(l.positions()));
  if (mean && indices) {
    std::vector<T> weights;
    std::int64_t count = 0;
    for (std::int64_t y : in.indices) {
      if (y == s.ignore_index) continue;
      ++count;
      if (in.has_weight) weights.push_back(in.weight[static_cast<std::size_t>(y)]);
    }
    if (in.has_weight) {
      divisor = detail::blocked_sum(weights.data(), static_cast<std::int64_t>(weights.size()));
      scale = T(1) / divisor;
    } else {
      divisor = static_cast<T>(count);
      scale = static_cast<T>(1.0 / static_cast<double>(count));
    }
    spec::require_positive_total_weight(spec::CrossEntropy::op, divisor > T(0));
  }

  std::vector<T> row_losses(none ? 0 : static_cast<std::size_t>(l.positions()));
  const detail::CrossEntropyJob<T> job{in.logits.data(),
                                       indices ? in.indices.data() : nullptr,
                                       indices ? nullptr : in.probabilities.data(),
                                       in.has_weight ? in.weight.data() : nullptr,
                                       none ? out.loss.data() : row_losses.data(),
                                       out.grad_logits.data(),
                                       indices ? nullptr : out.grad_target.data(),
                                       l.positions(),
                                       l.classes,
                                       l.inner,
                                       s.ignore_index,
                                       s.label_smoothing > 0.0,
                                       static_cast<T>(1.0 - s.label_smoothing),
                                       static_cast<T>(s.label_smoothing / static_cast<double>(l.classes)),
                                       mean,
                                       scale};
  detail::dispatch(job);
  if (none) return;
  T total = detail::blocked_sum(row_losses.data(), l.positions());
  if (mean) total = total / divisor;
  out.loss[0] = total;
}

template void cross_entropy<float>(const spec::CrossEntropy&, const CrossEntropyInputs<float>&,
                                   const CrossEntropyOutputs<float>&);
template void cross_entropy<double>(const spec::CrossEntropy&, const CrossEntropyInputs<double>&,
                                    const CrossEntropyOutputs<double>&);

}  // namespace gradref::fast
#endif  // HWY_ONCE
