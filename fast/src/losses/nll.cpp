// Fast negative log-likelihood, in the reference's order (nll_impl.hpp). Target
// positions are cut into blocks of sum_block; a static partition of the blocks runs
// in parallel. Per block:
//   gather  x_i = input[n, y_i, k], w_i = weight[y_i] (1 without weight); both 0
//           where y_i = ignore_index (scalar loads: the classes are data-dependent)
//   terms   t_i = 0 - w_i * x_i (0 - x_i without weight), in vectors; 0 - a is -a,
//           exactly, and +0 rather than -0 for an ignored position
//   sums    the block's terms and weights, lanes then across lanes (any order
//           inside a block, as reduction.hpp allows); padding lanes hold zeros
//   scatter grad[n, y_i, k] = -w_i (none, sum), or, after the block sums are
//           combined pairwise into W, -(w_i / W) in a second pass (mean).
// The gradient is zeroed first, in parallel over the batch. Every block's results
// are independent of the partition, and the pairwise combination runs after all
// blocks are done, so nothing depends on the thread count.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/nll.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <cstring>

#include "gradref/fast/threads.hpp"
#include "losses/nll_job.hpp"
#include "pairwise.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace {

// Blocks (of sum_block positions) per thread below which a thread costs more than it saves.
constexpr std::int64_t kGrainBlocks = 64;

/// The block's positions gathered: log-probabilities and weights of their targets,
/// zeros past the block's end and at ignored positions.
template <class T>
struct Gathered {
  HWY_ALIGN T x[sum_block];
  HWY_ALIGN T w[sum_block];
  std::int64_t begin = 0;
  std::int64_t count = 0;
};

template <class T>
void Gather(const NllJob<T>& job, std::int64_t block, Gathered<T>& g) {
  g.begin = block * sum_block;
  g.count = std::min(sum_block, job.layout.positions() - g.begin);
  std::fill(g.x, g.x + sum_block, T(0));
  std::fill(g.w, g.w + sum_block, T(0));
  for (std::int64_t i = 0; i < g.count; ++i) {
    const std::int64_t position = g.begin + i, y = job.target[position];
    if (y == job.ignore_index) continue;
    g.x[i] = job.input[job.layout.offset(position, y)];
    g.w[i] = job.weight ? job.weight[y] : T(1);
  }
}

/// grad[n, y_i, k] = g[i] for the block's non-ignored positions.
template <class T>
void Scatter(const NllJob<T>& job, const Gathered<T>& gathered, const T* g) {
  for (std::int64_t i = 0; i < gathered.count; ++i) {
    const std::int64_t position = gathered.begin + i, y = job.target[position];
    if (y != job.ignore_index) job.grad[job.layout.offset(position, y)] = g[i];
  }
}

template <class T>
void TermsBlock(const NllJob<T>& job, std::int64_t block) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  Gathered<T> g;
  Gather(job, block, g);
  HWY_ALIGN T t[sum_block];
  HWY_ALIGN T minus_w[sum_block];
  const V zero = hn::Zero(d);
  V terms = zero, weights = zero;
  // sum_block is a multiple of every lane count: the last vector may reach past
  // count, into zeros.
  for (std::int64_t j = 0; j < g.count; j += lanes) {
    const V x = hn::Load(d, g.x + j), w = hn::Load(d, g.w + j);
    const V term = job.weight ? hn::Sub(zero, hn::Mul(w, x)) : hn::Sub(zero, x);
    hn::Store(term, d, t + j);
    hn::Store(hn::Neg(w), d, minus_w + j);
    terms = hn::Add(terms, term);
    weights = hn::Add(weights, w);
  }
  if (job.terms) std::memcpy(job.terms + g.begin, t, static_cast<std::size_t>(g.count) * sizeof(T));
  if (job.block_terms) job.block_terms[block] = hn::GetLane(hn::SumOfLanes(d, terms));
  if (job.block_weights) job.block_weights[block] = hn::GetLane(hn::SumOfLanes(d, weights));
  if (job.scatter_now) Scatter(job, g, minus_w);
}

template <class T>
void MeanGradientBlock(const NllJob<T>& job, std::int64_t block, T total_weight) {
  const hn::ScalableTag<T> d;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  Gathered<T> g;
  Gather(job, block, g);
  HWY_ALIGN T out[sum_block];
  const auto total = hn::Set(d, total_weight);
  for (std::int64_t j = 0; j < g.count; j += lanes)
    hn::Store(hn::Neg(hn::Div(hn::Load(d, g.w + j), total)), d, out + j);
  Scatter(job, g, out);
}

template <class T>
void NllRun(const NllJob<T>& job) {
  const std::int64_t row = job.layout.classes * job.layout.inner;
  parallel_for(job.layout.batch, std::max<std::int64_t>(1, (kGrainBlocks * sum_block) / row),
               [&job, row](std::int64_t begin, std::int64_t end) {
                 std::fill(job.grad + begin * row, job.grad + end * row, T(0));
               });
  parallel_for(block_count(job.layout.positions()), kGrainBlocks, [&job](std::int64_t begin, std::int64_t end) {
    for (std::int64_t block = begin; block < end; ++block) TermsBlock(job, block);
  });
}

template <class T>
void NllMeanGradient(const NllJob<T>& job, T total_weight) {
  parallel_for(block_count(job.layout.positions()), kGrainBlocks,
               [&job, total_weight](std::int64_t begin, std::int64_t end) {
                 for (std::int64_t block = begin; block < end; ++block) MeanGradientBlock(job, block, total_weight);
               });
}

}  // namespace

void NllFloat(const NllJob<float>& job) { NllRun(job); }
void NllDouble(const NllJob<double>& job) { NllRun(job); }
void NllMeanGradientFloat(const NllJob<float>& job, float w) { NllMeanGradient(job, w); }
void NllMeanGradientDouble(const NllJob<double>& job, double w) { NllMeanGradient(job, w); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <limits>
#include <string>
#include <vector>

#include "gradref/fast/losses/nll.hpp"
#include "gradref/spec/fields.hpp"

namespace gradref::fast {
namespace detail {
namespace {

HWY_EXPORT(NllFloat);
HWY_EXPORT(NllDouble);
HWY_EXPORT(NllMeanGradientFloat);
HWY_EXPORT(NllMeanGradientDouble);

void dispatch(const NllJob<float>& job) { HWY_DYNAMIC_DISPATCH(NllFloat)(job); }
void dispatch(const NllJob<double>& job) { HWY_DYNAMIC_DISPATCH(NllDouble)(job); }
void dispatch_mean_gradient(const NllJob<float>& job, float w) { HWY_DYNAMIC_DISPATCH(NllMeanGradientFloat)(job, w); }
void dispatch_mean_gradient(const NllJob<double>& job, double w) {
  HWY_DYNAMIC_DISPATCH(NllMeanGradientDouble)(job, w);
}

void require_nll_size(const char* field, std::size_t actual, std::int64_t expected, const std::string& what) {
  if (static_cast<std::int64_t>(actual) != expected)
    throw InvalidInput(spec::Nll::op, field, std::to_string(actual), what + " = " + std::to_string(expected));
}

}  // namespace
}  // namespace detail

template <class T>
void nll(const spec::Nll& s, const Shape& input_shape, std::span<const T> input, std::span<const std::int64_t> target,
         std::span<const T> weight, std::span<T> loss, std::span<T> grad_input) {
  const spec::ClassLayout layout = spec::class_layout(spec::Nll::op, "input", input_shape);
  std::int64_t elements = 1;
  for (std::int64_t extent : input_shape) {
    if (extent > std::numeric_limits<std::int64_t>::max() / elements)
      throw InvalidInput(spec::Nll::op, "input.shape", shape_text(input_shape), "fewer than 2^63 elements");
    elements *= extent;
  }
  const Shape weight_shape{static_cast<std::int64_t>(weight.size())};
  spec::nll_layout(s, input_shape, layout.target_shape, weight.empty() ? nullptr : &weight_shape);
  const std::int64_t positions = layout.positions();
  const bool none = s.reduction == spec::Reduction::none, mean = s.reduction == spec::Reduction::mean;
  detail::require_nll_size("input.size", input.size(), elements, "the element count of input.shape");
  detail::require_nll_size("target.size", target.size(), positions, "N * d1 * ... * dk");
  detail::require_nll_size("grad_input.size", grad_input.size(), elements, "the element count of input.shape");
  detail::require_nll_size("loss.size", loss.size(), none ? positions : 1,
                           none ? "N * d1 * ... * dk for reduction none" : "1 for reduction sum or mean");
  const auto text = [](T x) { return spec::format_double(static_cast<double>(x)); };
  spec::check_class_targets(spec::Nll::op, target, layout.classes, s.ignore_index);
  if (!weight.empty()) spec::check_class_weights(spec::Nll::op, weight_shape, weight, layout.classes, text);
  spec::check_nll_input(input, text);

  const std::int64_t blocks = detail::block_count(positions);
  std::vector<T> block_terms(none ? 0 : static_cast<std::size_t>(blocks));
  std::vector<T> block_weights(mean && !weight.empty() ? static_cast<std::size_t>(blocks) : 0);
  const detail::NllJob<T> job{input.data(),
                              target.data(),
                              weight.empty() ? nullptr : weight.data(),
                              layout,
                              s.ignore_index,
                              none ? loss.data() : nullptr,
                              none ? nullptr : block_terms.data(),
                              block_weights.empty() ? nullptr : block_weights.data(),
                              grad_input.data(),
                              !mean};
  detail::dispatch(job);
  if (none) return;
  const auto combined = [](const std::vector<T>& sums) {
    return detail::pairwise_blocks<T>(0, static_cast<std::int64_t>(sums.size()),
                                      [&sums](std::int64_t b) { return sums[static_cast<std::size_t>(b)]; });
  };
  const T total = combined(block_terms);
  if (!mean) {
    loss[0] = total;
    return;
  }
  T total_weight;
  if (weight.empty()) {
    std::int64_t counted = 0;
    for (std::int64_t y : target) counted += y != s.ignore_index;
    total_weight = static_cast<T>(counted);
  } else {
    total_weight = combined(block_weights);
  }
  spec::require_positive_total_weight(spec::Nll::op, total_weight > T(0));
  detail::dispatch_mean_gradient(job, total_weight);
  loss[0] = total / total_weight;
}

template void nll<float>(const spec::Nll&, const Shape&, std::span<const float>, std::span<const std::int64_t>,
                         std::span<const float>, std::span<float>, std::span<float>);
template void nll<double>(const spec::Nll&, const Shape&, std::span<const double>, std::span<const std::int64_t>,
                          std::span<const double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
