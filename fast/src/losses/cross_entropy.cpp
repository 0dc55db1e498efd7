// Fast softmax cross-entropy, in the reference's order (cross_entropy_impl.hpp), per
// target position's row z of C logits:
//   1. pass 1, block by block (spec::cross_entropy_block classes): the block's max m_b
//      and first max, e_j = exp(z_j - m_b) written to the output row, r_b = the sum of
//      the block's e_j but its first max's (cross_entropy_blocks-inl.h); the blocks'
//      (m_b, i_b, r_b) combined left to right with the online rescaling into the
//      row's m, jm and r = sum_{j != jm} exp(z_j - m); S = r + 1, log S = log1p(r)
//   2. single-class target (index, no smoothing), mass a = w_y: one product per
//      element, grad_j = e_j * c_b with c_b = ((f_b a) / S) * scale per block,
//      f_b = exp(m_b - m); grad_y = -(a Rm_y) / S * scale; loss = a (log S + (m - z_y))
//      target mass t over the classes (probabilities, or smoothed indices): e_j kept
//      in scratch (the logits are still read), rescaled by f_b, then
//        loss = sum_j t_j (log S + (m - z_j));
//        grad_j = (e_j Tm_j - t_j Rm_j) / S with Tm_j = T - t_j, Rm_j = S - e_j in the
//        vector pass, then the class of largest mass (Tm = sum of the others' mass) and
//        jm (Rm = r) redone as scalars
// Summing around the dominant class keeps the loss and gradient accurate relative to
// their size when one class dominates (no 1 - p cancellation). One exp per logit: the
// gradient pass rescales the stored e_j instead of computing exp(z_j - m) again.
// The output may be the logits' own buffer (in place): pass 1 reads each vector before
// it stores e_j there, and z_y is read first. Logits are checked finite inside pass 1.
// Rows run in parallel; when there are fewer rows than threads (contiguous rows, index
// targets without smoothing) the blocks of the rows are spread over the threads:
// pass 1 in parallel, the combination per row, the gradient pass in parallel. The
// arithmetic of every block and of the combination is the same either way, so the
// results do not depend on the thread count. Rows of [N, C, d1..dk] inputs are strided
// by d1*...*dk: they are gathered into a contiguous scratch row and scattered back.
// Per-position losses are reduced after all rows are done, with the blocked pairwise
// sum of reduction.hpp.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/cross_entropy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "gradref/fast/threads.hpp"
#include "gradref/spec/cross_entropy.hpp"
#include "losses/cross_entropy_blocks-inl.h"
#include "losses/cross_entropy_job.hpp"
#include "pairwise.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Below this many logits per thread, a thread costs more than it saves.
constexpr std::int64_t kGrainElements = 1 << 15;
constexpr std::int64_t kBlock = spec::cross_entropy_block;

inline std::int64_t BlockCount(std::int64_t classes) { return (classes + kBlock - 1) / kBlock; }

/// A row's max-and-sum, combined from its blocks' left to right (the reference's
/// blocked_exp). Not inlined: the same instructions whichever caller, so no compiler
/// choice (contraction into an FMA) can differ between the row and the split paths.
template <class T>
struct RowMax {
  T m;
  T r;
  std::int64_t jm;
};
template <class T>
HWY_NOINLINE RowMax<T> Combine(const BlockStats<T>* b, std::int64_t blocks) {
  RowMax<T> out{b[0].max, b[0].rest, b[0].first};
  for (std::int64_t k = 1; k < blocks; ++k) {
    const BlockStats<T>& s = b[k];
    if (out.m < s.max) {
      out.r = s.rest + (out.r + T(1)) * std::exp(out.m - s.max);
      out.m = s.max;
      out.jm = s.first;
    } else {
      const T rest = s.rest + T(1);
      out.r = out.r + (s.max == out.m ? rest : rest * std::exp(s.max - out.m));
    }
  }
  return out;
}

/// f_b = exp(m_b - m), exactly 1 for a block holding the row's max.
template <class T>
T Rescale(T block_max, T m) {
  return block_max == m ? T(1) : std::exp(block_max - m);
}

/// What the gradient pass of a single-class row needs, and the row's loss.
template <class T>
struct SingleClassRow {
  T m;
  T a;           ///< the target's mass w_y
  T inv;         ///< 1 / S
  T grad_y;      ///< the target class's gradient, scaled
  T loss;
};

/// Finishes a single-class row from its combined blocks; e_y_block = e_y relative to
/// its block's max (pass 1's value), z_y the target's logit.
template <class T>
HWY_NOINLINE SingleClassRow<T> FinishSingleClass(const CrossEntropyJob<T>& job, const RowMax<T>& rm, std::int64_t y,
                                                 T z_y, T e_y_block, T y_block_max) {
  const T a = job.weight ? job.weight[y] : T(1);
  const T s = rm.r + T(1);
  const T log_s = std::log1p(rm.r);
  const T inv = T(1) / s;
  const T e_y = y_block_max == rm.m ? e_y_block : e_y_block * std::exp(y_block_max - rm.m);
  const T rest_y = y == rm.jm ? rm.r : s - e_y;
  T grad_y = -(a * rest_y) * inv;
  if (job.scaled) grad_y = grad_y * job.scale;
  return {rm.m, a, inv, grad_y, a * (log_s + (rm.m - z_y))};
}

/// c_b = ((f_b a) / S) * scale, the factor of a single-class row's block.
template <class T>
HWY_NOINLINE T BlockCoefficient(const CrossEntropyJob<T>& job, const SingleClassRow<T>& row, T block_max) {
  T c = (Rescale(block_max, row.m) * row.a) * row.inv;
  if (job.scaled) c = c * job.scale;
  return c;
}

/// The first non-finite logit among the n at z (row indices j, flat first + j * inner).
template <class T>
void RecordNonFinite(const CrossEntropyJob<T>& job, const T* z, std::int64_t n, std::int64_t first) {
  for (std::int64_t j = 0; j < n; ++j)
    if (!std::isfinite(z[j])) return job.non_finite->record(first + j * job.inner, static_cast<double>(z[j]));
}

/// Pass 1 over a contiguous row of `classes` logits into e (may be z); stats per block.
template <class T>
void RowBlocks(const CrossEntropyJob<T>& job, const T* z, T* e, BlockStats<T>* stats, std::int64_t first) {
  for (std::int64_t b = 0; b < BlockCount(job.classes); ++b) {
    const std::int64_t lo = b * kBlock, n = std::min(kBlock, job.classes - lo);
    stats[b] = BlockExp(z, e, lo, n);
    if (!stats[b].finite) RecordNonFinite(job, z + lo, n, first + lo * job.inner);
  }
}

/// A contiguous single-class row: z in, gradient out (g may be z).
template <class T>
T SingleClass(const CrossEntropyJob<T>& job, std::int64_t position, const T* z, T* g, BlockStats<T>* stats,
              std::int64_t first) {
  const std::int64_t y = job.indices[position];
  const T z_y = z[y];
  RowBlocks(job, z, g, stats, first);
  const RowMax<T> rm = Combine(stats, BlockCount(job.classes));
  const SingleClassRow<T> row = FinishSingleClass(job, rm, y, z_y, g[y], stats[y / kBlock].max);
  for (std::int64_t b = 0; b < BlockCount(job.classes); ++b) {
    const std::int64_t lo = b * kBlock;
    ScaleBlock(g + lo, std::min(kBlock, job.classes - lo), BlockCoefficient(job, row, stats[b].max));
  }
  g[y] = row.grad_y;
  return row.loss;
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

/// Applies `f(j, count)` to the vectors starting at j = 0, lanes, ... of a row of n
/// elements; count < lanes only for the tail.
template <class D, class F>
void ForVectors(D d, std::int64_t n, const F& f) {
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  std::int64_t j = 0;
  for (; j + lanes <= n; j += lanes) f(j, lanes);
  if (j < n) f(j, n - j);
}

/// Contiguous views of one position's row for a target mass over the classes.
template <class T>
struct DenseRow {
  const T* z;
  const T* q;  ///< probability target, or nullptr
  T* grad;
  T* grad_target;  ///< or nullptr
  T* e;            ///< scratch: C values
  T* mass;         ///< scratch: C values
  BlockStats<T>* stats;
  std::int64_t first;  ///< flat index of the row's class 0
};

template <class T>
T Dense(const CrossEntropyJob<T>& job, std::int64_t position, const DenseRow<T>& v) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d)), classes = job.classes;
  const T* z = v.z;
  T* e = v.e;
  T* grad = v.grad;
  const auto load = [&](const T* x, std::int64_t j, std::int64_t count, T pad) { return LoadPart(d, x + j, count, pad); };
  const auto store = [&](V x, T* out, std::int64_t j, std::int64_t count) { StorePart(d, x, out + j, count); };
  const auto lane_is = [&](std::int64_t index, std::int64_t first) {
    return hn::Eq(hn::Iota(d, 0), hn::Set(d, static_cast<T>(index - first)));
  };
  const auto tail_mask = [&](std::int64_t count) { return hn::FirstN(d, static_cast<std::size_t>(count)); };

  // 1. e_j relative to the row's max; r sums every e_j but e_jm.
  RowBlocks(job, z, e, v.stats, v.first);
  const RowMax<T> rm = Combine(v.stats, BlockCount(classes));
  for (std::int64_t b = 0; b < BlockCount(classes); ++b)
    if (!(v.stats[b].max == rm.m))
      ScaleBlock(e + b * kBlock, std::min(kBlock, classes - b * kBlock), Rescale(v.stats[b].max, rm.m));
  const T m = rm.m, r = rm.r;
  const std::int64_t jm = rm.jm;
  const V shift = hn::Set(d, m);
  const T s = r + T(1);
  const T log_s = std::log1p(r);
  const T inv = T(1) / s;
  const V inv_v = hn::Set(d, inv), scale_v = hn::Set(d, job.scale), s_v = hn::Set(d, s);
  const auto finish = [&](V g) { return job.scaled ? hn::Mul(hn::Mul(g, inv_v), scale_v) : hn::Mul(g, inv_v); };
  const auto finish_scalar = [&](T g) { return job.scaled ? (g * inv) * job.scale : g * inv; };

  // 2. Target mass over the classes.
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

  // 3. Loss and grad_target (the last reads of z), then the gradient.
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

  const V total_v = hn::Set(d, t_total), zero = hn::Zero(d);
  ForVectors(d, classes, [&](std::int64_t j, std::int64_t count) {
    const V ej = load(e, j, count, T(0)), tj = load(t, j, count, T(0));
    const V em = hn::Mul(ej, hn::Sub(total_v, tj));
    const V g = hn::IfThenElse(hn::Eq(tj, zero), em, hn::Sub(em, hn::Mul(tj, hn::Sub(s_v, ej))));
    store(finish(g), grad, j, count);
  });
  // The two lanes whose complements are summed directly (e_jm = 1).
  const auto redo = [&](std::int64_t j) {
    const T tm = j == jt ? t_rest : t_total - t[j];
    const T rm_j = j == jm ? r : s - e[j];
    grad[j] = finish_scalar(t[j] == T(0) ? e[j] * tm : e[j] * tm - t[j] * rm_j);
  };
  redo(jt);
  if (jm != jt) redo(jm);
  return loss;
}

/// Per-thread scratch rows.
template <class T>
struct Scratch {
  explicit Scratch(const CrossEntropyJob<T>& job) {
    const std::size_t c = static_cast<std::size_t>(job.classes);
    const bool strided = job.inner > 1, dense = !job.single_class();
    stats.resize(static_cast<std::size_t>(BlockCount(job.classes)));
    if (dense) e.resize(c), mass.resize(c);
    if (strided) z.resize(c), g.resize(c);
    if (strided && job.probabilities) q.resize(c);
    if (strided && job.grad_target) gt.resize(c);
  }
  std::vector<BlockStats<T>> stats;
  std::vector<T> e, mass, z, q, g, gt;
};

/// An ignored position: no loss, zero gradients; its logits are still checked.
template <class T>
void Ignored(const CrossEntropyJob<T>& job, std::int64_t first, T* gathered) {
  const std::int64_t classes = job.classes, inner = job.inner;
  if (inner == 1) {
    if (!AllFinite(job.logits + first, classes)) RecordNonFinite(job, job.logits + first, classes, first);
  } else {
    for (std::int64_t k = 0; k < classes; ++k) gathered[k] = job.logits[first + k * inner];
    if (!AllFinite(gathered, classes)) RecordNonFinite(job, gathered, classes, first);
  }
  for (std::int64_t k = 0; k < classes; ++k) {
    job.grad[first + k * inner] = T(0);
    if (job.grad_target) job.grad_target[first + k * inner] = T(0);
  }
}

/// One position's row, whole, by the calling thread.
template <class T>
void Row(const CrossEntropyJob<T>& job, std::int64_t i, Scratch<T>& w) {
  const std::int64_t classes = job.classes, inner = job.inner;
  const std::int64_t first = (i / inner) * classes * inner + i % inner;  // class 0 of position i
  if (job.indices && job.indices[i] == job.ignore_index) {
    Ignored(job, first, w.z.data());
    job.row_loss[i] = T(0);
    return;
  }
  const bool strided = inner > 1;
  const T* z = job.logits + first;
  const T* q = job.probabilities ? job.probabilities + first : nullptr;
  T* g = job.grad + first;
  T* gt = job.grad_target ? job.grad_target + first : nullptr;
  if (strided) {
    for (std::int64_t k = 0; k < classes; ++k) {
      w.z[static_cast<std::size_t>(k)] = job.logits[first + k * inner];
      if (q) w.q[static_cast<std::size_t>(k)] = job.probabilities[first + k * inner];
    }
    z = w.z.data(), g = w.g.data();
    if (q) q = w.q.data();
    if (gt) gt = w.gt.data();
  }
  job.row_loss[i] = job.single_class()
                        ? SingleClass(job, i, z, g, w.stats.data(), first)
                        : Dense(job, i, DenseRow<T>{z, q, g, gt, w.e.data(), w.mass.data(), w.stats.data(), first});
  if (!strided) return;
  for (std::int64_t k = 0; k < classes; ++k) {
    job.grad[first + k * inner] = w.g[static_cast<std::size_t>(k)];
    if (gt) job.grad_target[first + k * inner] = w.gt[static_cast<std::size_t>(k)];
  }
}

/// Fewer rows than threads (contiguous, single-class): the rows' blocks spread over
/// the threads, pass 1 and the gradient pass each in parallel.
template <class T>
void SplitRows(const CrossEntropyJob<T>& job) {
  const std::int64_t rows = job.positions, classes = job.classes, blocks = BlockCount(classes);
  const std::int64_t units = rows * blocks, grain = std::max<std::int64_t>(1, kGrainElements / kBlock);
  const auto ignored = [&](std::int64_t i) { return job.indices[i] == job.ignore_index; };
  std::vector<BlockStats<T>> stats(static_cast<std::size_t>(units));
  std::vector<SingleClassRow<T>> finished(static_cast<std::size_t>(rows));
  std::vector<T> z_y(static_cast<std::size_t>(rows));
  for (std::int64_t i = 0; i < rows; ++i)
    if (!ignored(i)) z_y[static_cast<std::size_t>(i)] = job.logits[i * classes + job.indices[i]];

  parallel_for(units, grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t u = begin; u < end; ++u) {
      const std::int64_t i = u / blocks, lo = (u % blocks) * kBlock, n = std::min(kBlock, classes - lo);
      const T* z = job.logits + i * classes;
      T* g = job.grad + i * classes;
      if (ignored(i)) {
        if (!AllFinite(z + lo, n)) RecordNonFinite(job, z + lo, n, i * classes + lo);
        std::fill(g + lo, g + lo + n, T(0));
        continue;
      }
      stats[static_cast<std::size_t>(u)] = BlockExp(z, g, lo, n);
      if (!stats[static_cast<std::size_t>(u)].finite) RecordNonFinite(job, z + lo, n, i * classes + lo);
    }
  });
  for (std::int64_t i = 0; i < rows; ++i) {
    if (ignored(i)) {
      job.row_loss[i] = T(0);
      continue;
    }
    const std::int64_t y = job.indices[i];
    const BlockStats<T>* row_stats = stats.data() + i * blocks;
    const RowMax<T> rm = Combine(row_stats, blocks);
    finished[static_cast<std::size_t>(i)] = FinishSingleClass(job, rm, y, z_y[static_cast<std::size_t>(i)],
                                                              job.grad[i * classes + y], row_stats[y / kBlock].max);
    job.row_loss[i] = finished[static_cast<std::size_t>(i)].loss;
  }
  parallel_for(units, grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t u = begin; u < end; ++u) {
      const std::int64_t i = u / blocks, lo = (u % blocks) * kBlock, n = std::min(kBlock, classes - lo);
      if (ignored(i)) continue;
      const SingleClassRow<T>& row = finished[static_cast<std::size_t>(i)];
      T* g = job.grad + i * classes;
      ScaleBlock(g + lo, n, BlockCoefficient(job, row, stats[static_cast<std::size_t>(u)].max));
      const std::int64_t y = job.indices[i];
      if (y >= lo && y < lo + n) g[y] = row.grad_y;
    }
  });
}

template <class T>
void CrossEntropyRun(const CrossEntropyJob<T>& job) {
  if (job.inner == 1 && job.single_class() && job.positions < thread_count() && BlockCount(job.classes) > 1)
    return SplitRows(job);
  const std::int64_t grain = std::max<std::int64_t>(1, kGrainElements / job.classes);
  parallel_for(job.positions, grain, [&job](std::int64_t begin, std::int64_t end) {
    Scratch<T> scratch(job);
    for (std::int64_t i = begin; i < end; ++i) Row(job, i, scratch);
  });
}

void CrossEntropyFloat(const CrossEntropyJob<float>& job) { CrossEntropyRun(job); }
void CrossEntropyDouble(const CrossEntropyJob<double>& job) { CrossEntropyRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <functional>
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

/// grad_logits is the logits' own buffer (in place) or shares no element with it.
template <class T>
void require_in_place_or_apart(std::span<const T> logits, std::span<T> grad) {
  if (logits.data() == grad.data() || logits.empty()) return;
  const auto* lo = logits.data();
  const T* g = grad.data();
  if (std::less<const T*>()(g, lo + logits.size()) && std::less<const T*>()(lo, g + grad.size()))
    throw InvalidInput(spec::CrossEntropy::op, "grad_logits", "a buffer overlapping the logits",
                       "the logits' own buffer (in place) or a separate one");
}

/// Runs check(); if it throws InvalidInput, first(), which may throw its own, then
/// the check's error.
template <class First, class Check>
void checked_after(const First& first, const Check& check) {
  try {
    check();
  } catch (const InvalidInput&) {
    first();
    throw;
  }
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
  detail::require_in_place_or_apart(in.logits, out.grad_logits);
  const auto text = [](T x) { return spec::format_double(static_cast<double>(x)); };
  // The kernel checks the logits in its first pass; an error found before it runs
  // still reports a non-finite logit first, as the reference does.
  const auto logits_first = [&] { spec::check_logits(in.logits, text); };
  detail::checked_after(logits_first, [&] {
    if (in.has_weight) spec::check_class_weights(spec::CrossEntropy::op, weight_shape, in.weight, l.classes, text);
    if (indices)
      spec::check_class_targets(spec::CrossEntropy::op, in.indices, l.classes, s.ignore_index);
    else
      spec::check_probability_targets(in.probabilities, text);
  });

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
    detail::checked_after(logits_first,
                          [&] { spec::require_positive_total_weight(spec::CrossEntropy::op, divisor > T(0)); });
  }

  std::vector<T> row_losses(none ? 0 : static_cast<std::size_t>(l.positions()));
  detail::NonFiniteLogit non_finite;
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
                                       scale,
                                       &non_finite};
  detail::dispatch(job);
  if (non_finite.found())
    throw InvalidInput(spec::CrossEntropy::op, "logits[" + std::to_string(non_finite.index()) + "]",
                       spec::format_double(non_finite.value()), "a finite number");
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
