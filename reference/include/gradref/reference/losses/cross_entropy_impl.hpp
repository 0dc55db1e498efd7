#pragma once
// Definition of reference::cross_entropy (instantiated in reference/src).
//
// Each target position's row of C logits z, with target mass t (spec/cross_entropy.hpp),
// in the blocked online order: the classes are cut into consecutive blocks of
// B = spec::cross_entropy_block; each block b gives
//   m_b = max over the block, i_b = its first index with z_j = m_b,
//   e_j = exp(z_j - m_b) (so e_{i_b} = 1),  r_b = sum_{j in b, j != i_b} e_j,
// and the blocks are combined left to right (m, jm, r start as block 0's):
//   m_b >  m:  r = r_b + (r + 1) * exp(m - m_b),  m = m_b,  jm = i_b
//   m_b <= m:  r = r + (r_b + 1) * f_b,           f_b = exp(m_b - m) (1 when m_b = m)
// ending with m = max_j z_j, jm its first index, r = sum_{j != jm} exp(z_j - m).
// Then S = r + 1, -log p_j = log1p(r) + (m - z_j), with f_b = exp(m_b - m) of the
// final m, the row's e_j are e_j * f_b (e_jm = 1), and
//   loss = sum_j t_j (-log p_j),
//   grad_j = (e_j * Tm_j - t_j * Rm_j) * (1 / S) * scale,
// where Tm_j = T - t_j and Rm_j = S - e_j, except Tm_jt = sum_{j != jt} t_j for the
// class jt of largest mass and Rm_jm = r. This is T p_j - t_j written so that nothing
// cancels: S - e_j >= 1 and T - t_j >= t_jt for the other classes, and the two
// sums that could cancel catastrophically (1 - p_jm, T - t_jt) are summed directly.
// Without that, a row [0, -360] with target 0 has loss and gradient e^-360 that
// rounding at any practical precision turns into exactly 0, where evaluations at p
// and 2p bits would agree and certify a wrong zero. Shifting by the row max keeps
// every exponent <= 0 and makes the loss exactly invariant under shifting a row.
//
// An index target without label smoothing is a single mass a = w_y at y, and the
// row takes the short form loss = a (-log p_y), grad_j = e_j(block) * c_b with one
// coefficient per block c_b = ((f_b * a) * (1 / S)) * scale, and
// grad_y = (-(a * Rm_y) * (1 / S)) * scale: the same formula with every t_j = 0 term
// dropped, the block's rescaling folded into one product per element.
// The order of operations is the fast kernel's, which the Tracked instantiation
// analyses; a product by an exact 1 (f_b of the block holding the max) is skipped,
// as the kernel's product by 1 is exact.
#include <algorithm>
#include <vector>

#include "gradref/reference/losses/cross_entropy.hpp"
#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/math.hpp"

namespace gradref::reference {
namespace cross_entropy_detail {

/// A row's target mass: a single class (dense empty) or one mass per class.
template <class T>
struct Mass {
  std::int64_t y = 0;  ///< single class
  T a = T(0.0);        ///< its mass
  std::vector<T> t;    ///< dense masses, or empty
};

/// The blocked online max-and-sum of a row: m, jm, r as above, each block's max
/// and the exponentials relative to their block's max.
template <class T>
struct BlockedExp {
  T m = T(0.0);
  std::size_t jm = 0;
  T r = T(0.0);
  std::vector<T> block_max;
  std::vector<T> e;  ///< e_j = exp(z_j - m_b) for j in block b
};

template <class T>
BlockedExp<T> blocked_exp(const std::vector<T>& z) {
  using std::exp;
  const std::size_t classes = z.size(), block = static_cast<std::size_t>(spec::cross_entropy_block);
  BlockedExp<T> out;
  out.e.assign(classes, T(0.0));
  for (std::size_t lo = 0; lo < classes; lo += block) {
    const std::size_t hi = std::min(classes, lo + block);
    T mb = z[lo];
    for (std::size_t j = lo; j < hi; ++j) mb = maximum(mb, z[j]);
    std::size_t ib = lo;
    while (!(z[ib] == mb)) ++ib;
    for (std::size_t j = lo; j < hi; ++j) out.e[j] = exp(z[j] - mb);
    out.e[ib] = T(0.0);
    const T rb = sum(std::span<const T>(out.e.data() + lo, hi - lo));
    out.e[ib] = T(1.0);  // exp(0), as the kernel holds it
    out.block_max.push_back(mb);
    if (lo == 0) {
      out.m = mb, out.jm = ib, out.r = rb;
    } else if (out.m < mb) {
      out.r = rb + (out.r + T(1.0)) * exp(out.m - mb);
      out.m = mb, out.jm = ib;
    } else {
      const T rest = rb + T(1.0);
      out.r = out.r + (mb == out.m ? rest : rest * exp(mb - out.m));
    }
  }
  return out;
}

/// Loss of one row; writes its gradient (times `scale` when given) to grad and
/// -log p_j to nlp when dense.
template <class T>
T row(const std::vector<T>& z, const Mass<T>& mass, const T* scale, std::vector<T>& grad, std::vector<T>& nlp) {
  using std::exp;
  using std::log1p;
  const std::size_t classes = z.size(), block = static_cast<std::size_t>(spec::cross_entropy_block);
  BlockedExp<T> b = blocked_exp(z);
  const T m = b.m, r = b.r;
  const std::size_t jm = b.jm;
  const T s = r + T(1.0);
  const T log_s = log1p(r);
  const T inv_s = T(1.0) / s;
  // f_b, or nothing where the block's max is the row's (a product by exactly 1).
  const auto rescaled = [&](std::size_t bi) { return !(b.block_max[bi] == m); };
  const auto f = [&](std::size_t bi) { return exp(b.block_max[bi] - m); };
  const auto scaled = [&](const T& g) { return scale ? g * *scale : g; };

  if (mass.t.empty()) {
    const auto y = static_cast<std::size_t>(mass.y);
    for (std::size_t lo = 0, bi = 0; lo < classes; lo += block, ++bi) {
      const T c = scaled((rescaled(bi) ? f(bi) * mass.a : mass.a) * inv_s);
      for (std::size_t j = lo; j < std::min(classes, lo + block); ++j) grad[j] = b.e[j] * c;
    }
    const std::size_t by = y / block;
    const T e_y = rescaled(by) ? b.e[y] * f(by) : b.e[y];
    const T rest_y = y == jm ? r : s - e_y;
    grad[y] = scaled(-(mass.a * rest_y) * inv_s);
    return mass.a * (log_s + (m - z[y]));
  }

  std::vector<T>& e = b.e;
  for (std::size_t lo = 0, bi = 0; lo < classes; lo += block, ++bi) {
    if (!rescaled(bi)) continue;
    const T fb = f(bi);
    for (std::size_t j = lo; j < std::min(classes, lo + block); ++j) e[j] = e[j] * fb;
  }
  const auto rest_of = [&](std::size_t j) { return j == jm ? r : s - e[j]; };
  const std::vector<T>& t = mass.t;
  std::size_t jt = 0;
  for (std::size_t j = 1; j < classes; ++j)
    if (t[jt] < t[j]) jt = j;
  std::vector<T> others = t;
  others[jt] = T(0.0);
  const T t_rest = sum(std::span<const T>(others));
  const T t_total = t_rest + t[jt];
  std::vector<T> terms(classes, T(0.0));
  for (std::size_t j = 0; j < classes; ++j) {
    nlp[j] = log_s + (m - z[j]);
    terms[j] = t[j] * nlp[j];
    const T tm = j == jt ? t_rest : t_total - t[j];
    grad[j] = scaled((t[j] == T(0.0) ? e[j] * tm : e[j] * tm - t[j] * rest_of(j)) * inv_s);
  }
  return sum(std::span<const T>(terms));
}

}  // namespace cross_entropy_detail

template <class T>
CrossEntropyResult<T> cross_entropy(const spec::CrossEntropy& s, const Array<T>& logits,
                                    const CrossEntropyTarget<T>& target, const Array<T>* weight) {
  const bool indices = s.target_type == spec::TargetType::indices;
  if (!indices && !target.probabilities)
    throw InvalidInput(spec::CrossEntropy::op, "target", "missing", "probabilities for target_type probabilities");
  const Shape target_shape = indices ? target.index_shape : target.probabilities->shape();
  const spec::ClassLayout l =
      spec::cross_entropy_layout(s, logits.shape(), target_shape, weight ? &weight->shape() : nullptr);
  const auto text = [](const T& x) { return value_text(x); };
  spec::check_logits(logits.span(), text);
  if (weight) spec::check_class_weights(spec::CrossEntropy::op, weight->shape(), weight->span(), l.classes, text);
  if (indices)
    spec::check_class_targets(spec::CrossEntropy::op, target.indices, l.classes, s.ignore_index);
  else
    spec::check_probability_targets(target.probabilities->span(), text);

  const std::int64_t positions = l.positions(), classes = l.classes;
  const bool smoothing = s.label_smoothing > 0.0;
  const T keep = T(1.0) - T(s.label_smoothing);
  const T spread = T(s.label_smoothing) / T(static_cast<double>(classes));
  const auto ignored = [&](std::int64_t i) { return indices && target.indices[static_cast<std::size_t>(i)] == s.ignore_index; };

  // The mean's divisor: the total weight of the non-ignored index targets, or the
  // number of positions (a count is an exact constant, as the kernel holds it).
  const bool mean = s.reduction == spec::Reduction::mean;
  T divisor = T(static_cast<double>(positions));
  if (mean && indices) {
    std::vector<T> weights;
    std::int64_t count = 0;
    for (std::int64_t i = 0; i < positions; ++i) {
      if (ignored(i)) continue;
      ++count;
      if (weight) weights.push_back((*weight)[target.indices[static_cast<std::size_t>(i)]]);
    }
    divisor = weight ? sum(std::span<const T>(weights)) : T(static_cast<double>(count));
    spec::require_positive_total_weight(spec::CrossEntropy::op, T(0.0) < divisor);
  }
  const T scale = T(1.0) / divisor;

  std::vector<T> losses(static_cast<std::size_t>(positions), T(0.0));
  Array<T> grad(logits.shape(), T(0.0));
  Array<T> grad_target = indices ? Array<T>() : Array<T>(logits.shape(), T(0.0));
  std::vector<T> z(static_cast<std::size_t>(classes), T(0.0)), g = z, nlp = z;
  for (std::int64_t i = 0; i < positions; ++i) {
    if (ignored(i)) continue;
    for (std::int64_t c = 0; c < classes; ++c) z[static_cast<std::size_t>(c)] = logits[l.offset(i, c)];
    cross_entropy_detail::Mass<T> mass;
    if (indices) {
      const std::int64_t y = target.indices[static_cast<std::size_t>(i)];
      const T w_y = weight ? (*weight)[y] : T(1.0);
      mass.y = y;
      mass.a = w_y;
      if (smoothing) {
        mass.t.assign(static_cast<std::size_t>(classes), spread);
        if (weight)
          for (std::int64_t c = 0; c < classes; ++c) mass.t[static_cast<std::size_t>(c)] = spread * (*weight)[c];
        mass.t[static_cast<std::size_t>(y)] = (weight ? keep * w_y : keep) + mass.t[static_cast<std::size_t>(y)];
      }
    } else {
      mass.t.resize(static_cast<std::size_t>(classes), T(0.0));
      for (std::int64_t c = 0; c < classes; ++c) {
        T t = (*target.probabilities)[l.offset(i, c)];
        if (smoothing) t = t * keep + spread;
        if (weight) t = t * (*weight)[c];
        mass.t[static_cast<std::size_t>(c)] = t;
      }
    }
    losses[static_cast<std::size_t>(i)] = cross_entropy_detail::row(z, mass, mean ? &scale : nullptr, g, nlp);
    for (std::int64_t c = 0; c < classes; ++c) {
      grad[l.offset(i, c)] = g[static_cast<std::size_t>(c)];
      if (indices) continue;
      T gt = nlp[static_cast<std::size_t>(c)];
      if (weight) gt = gt * (*weight)[c];
      if (smoothing) gt = gt * keep;
      grad_target[l.offset(i, c)] = mean ? gt * scale : gt;
    }
  }

  CrossEntropyResult<T> out{Array<T>(), std::move(grad), std::move(grad_target)};
  if (s.reduction == spec::Reduction::none) {
    out.loss = Array<T>(l.target_shape, std::move(losses));
  } else {
    T total = sum(std::span<const T>(losses));
    if (mean) total = total / divisor;
    out.loss = Array<T>(Shape{}, std::vector<T>{total});
  }
  return out;
}

}  // namespace gradref::reference
