// Fast multilayer perceptron in the reference's order (reference/layers/mlp_impl.hpp).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "layers/mlp.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <array>

#include "layers/activation-inl.h"
#include "layers/bias_rows-inl.h"
#include "layers/mlp_rows.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {

/// s += b; x = sigma(s): one pass over a block, right after its gemm.
template <class T>
void ForwardRows(const MlpRowsJob<T>& job) {
  const ActivationParams& p = job.params;
  ForEachBlockVector<T>(job.begin, job.end, job.col_begin, job.col_end, job.width, std::array<const T*, 1>{job.s},
                        std::array<const T*, 1>{job.b}, std::array<T*, 2>{job.s, job.x},
                        [&p](auto d, const auto& in, const auto& out) {
                        auto s = hn::LoadU(d, in[0]);
                        if (in[1]) s = hn::Add(s, hn::LoadU(d, in[1]));
                        hn::StoreU(s, d, out[0]);
                        hn::StoreU(ActivationValue(d, p, s), d, out[1]);
                      });
}

/// g = dx * sigma'(s).
template <class T>
void BackwardRows(const MlpRowsJob<T>& job) {
  const ActivationParams& p = job.params;
  ForEachBlockVector<T>(job.begin, job.end, job.col_begin, job.col_end, job.width,
                        std::array<const T*, 2>{job.dx, job.s}, std::array<const T*, 0>{}, std::array<T*, 1>{job.g},
                      [&p](auto d, const auto& in, const auto& out) {
                        hn::StoreU(hn::Mul(hn::LoadU(d, in[0]), ActivationDerivative(d, p, hn::LoadU(d, in[1]))), d,
                                   out[0]);
                      });
}

void ForwardRowsFloat(const MlpRowsJob<float>& job) { ForwardRows(job); }
void ForwardRowsDouble(const MlpRowsJob<double>& job) { ForwardRows(job); }
void BackwardRowsFloat(const MlpRowsJob<float>& job) { BackwardRows(job); }
void BackwardRowsDouble(const MlpRowsJob<double>& job) { BackwardRows(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "dispatch_by_type.hpp"
#include "gradref/fast/layers/mlp.hpp"
#include "gradref/fast/losses/bce_with_logits.hpp"
#include "gradref/fast/losses/cross_entropy.hpp"
#include "gradref/fast/losses/l1.hpp"
#include "gradref/fast/losses/mse.hpp"
#include "gradref/fast/threads.hpp"
#include "layers/gemm.hpp"
#include "losses/buffer_size.hpp"

namespace gradref::fast {
namespace detail {
namespace {

GRADREF_DISPATCH_FLOAT_DOUBLE(forward_rows, MlpRowsJob, ForwardRowsFloat, ForwardRowsDouble)
GRADREF_DISPATCH_FLOAT_DOUBLE(backward_rows, MlpRowsJob, BackwardRowsFloat, BackwardRowsDouble)

/// The job on rows [begin, end), columns [col_begin, col_end) (callbacks run
/// concurrently: each takes a copy).
template <class T>
MlpRowsJob<T> block(MlpRowsJob<T> job, std::int64_t begin, std::int64_t end, std::int64_t col_begin,
                    std::int64_t col_end) {
  job.begin = begin;
  job.end = end;
  job.col_begin = col_begin;
  job.col_end = col_end;
  return job;
}

void require_size(const std::string& field, std::size_t actual, std::int64_t expected) {
  if (static_cast<std::int64_t>(actual) != expected)
    throw InvalidInput(spec::Mlp::op, field + ".size", std::to_string(actual), "= " + std::to_string(expected));
}

/// Whether every value is finite (exponent bits not all ones, which is the spec's
/// x - x == 0): a branch-free pass over the threads, so that the spec's check (one
/// value at a time, in order, for the message) runs only when one is not.
template <class T>
bool all_finite(std::span<const T> values) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  static_assert(sizeof(U) == sizeof(T));
  constexpr U exponent = static_cast<U>(sizeof(T) == 4 ? 0x7F800000ull : 0x7FF0000000000000ull);
  std::atomic<bool> finite{true};
  parallel_for(static_cast<std::int64_t>(values.size()), std::int64_t{1} << 16,
               [&](std::int64_t begin, std::int64_t end) {
                 U bad = 0;
                 for (std::int64_t i = begin; i < end; ++i) {
                   U u;
                   std::memcpy(&u, &values[static_cast<std::size_t>(i)], sizeof u);
                   bad |= static_cast<U>((u & exponent) == exponent);
                 }
                 if (bad) finite.store(false, std::memory_order_relaxed);
               });
  return finite.load();
}

/// Scratch arrays kept per calling thread and reused from call to call (grown, never
/// shrunk): fresh 1-4 MB arrays on every call cost page faults and zeroing. Contents
/// on return from get are unspecified; every user writes all it reads.
template <class T>
class Scratch {
 public:
  std::span<T> get(std::int64_t n) {
    const auto size = static_cast<std::size_t>(n);
    if (size > capacity_) {
      data_ = std::make_unique_for_overwrite<T[]>(size);
      capacity_ = size;
    }
    return {data_.get(), size};
  }

 private:
  std::unique_ptr<T[]> data_;
  std::size_t capacity_ = 0;
};

enum ScratchSlot { kLossGrad, kLossScratch, kDx, kG, kGBelow, kSlots };

template <class T>
Scratch<T>& scratch(ScratchSlot slot) {
  thread_local std::array<Scratch<T>, kSlots> slots;
  return slots[slot];
}

/// dL/dx^(L) from the loss kernel into `grad` (the loss written to `loss`).
template <class T>
void loss_gradient(const spec::Mlp& s, std::int64_t n, std::int64_t width, std::span<const T> output,
                   std::span<const T> target, std::span<T> loss, std::span<T> grad) {
  const std::span<T> scratch_values = scratch<T>(kLossScratch).get(static_cast<std::int64_t>(output.size()));
  using spec::MlpLoss;
  switch (s.loss) {
    case MlpLoss::mse: {
      spec::Mse m;
      m.reduction = s.reduction;
      mse<T>(m, output, target, loss, grad, scratch_values);
      break;
    }
    case MlpLoss::l1: {
      spec::L1 m;
      m.reduction = s.reduction;
      l1<T>(m, output, target, loss, grad, scratch_values);
      break;
    }
    case MlpLoss::bce_with_logits: {
      spec::BceWithLogits m;
      m.reduction = s.reduction;
      bce_with_logits<T>(m, Shape{n, width}, output, target, {}, {}, loss, grad, scratch_values);
      break;
    }
    case MlpLoss::cross_entropy: {
      spec::CrossEntropy m;
      m.reduction = s.reduction;
      std::vector<std::int64_t> indices(target.size());
      for (std::size_t i = 0; i < target.size(); ++i) indices[i] = static_cast<std::int64_t>(target[i]);
      CrossEntropyInputs<T> in{output, Shape{n, width}, indices, {}, Shape{n}, {}, false};
      cross_entropy<T>(m, in, CrossEntropyOutputs<T>{loss, grad, {}});
      break;
    }
    case MlpLoss::none: break;
  }
}

}  // namespace
}  // namespace detail

template <class T>
void mlp(const spec::Mlp& s, const spec::MlpShapes& shapes, const MlpBuffers<T>& b) {
  using detail::MlpRowsJob;
  const std::vector<std::int64_t> widths = spec::mlp_widths(s, shapes);
  const auto L = static_cast<std::size_t>(s.layers);
  const std::int64_t n = (*shapes.input)[0];
  const bool none = s.reduction == spec::Reduction::none;
  detail::require_size("input", b.input.size(), n * widths[0]);
  for (std::size_t l = 0; l < L; ++l) {
    const std::string k = std::to_string(l + 1);
    const std::int64_t weights = widths[l] * widths[l + 1], outs = n * widths[l + 1];
    if (b.weights.size() != L || b.pre_activation.size() != L || b.activation.size() != L ||
        b.grad_weight.size() != L || (s.bias && (b.biases.size() != L || b.grad_bias.size() != L)))
      throw InvalidInput(spec::Mlp::op, "buffers", "a layer count other than layers", "one buffer per layer");
    detail::require_size("weight_" + k, b.weights[l].size(), weights);
    detail::require_size("grad_weight_" + k, b.grad_weight[l].size(), weights);
    detail::require_size("pre_activation_" + k, b.pre_activation[l].size(), outs);
    detail::require_size("activation_" + k, b.activation[l].size(), outs);
    if (s.bias) {
      detail::require_size("bias_" + k, b.biases[l].size(), widths[l + 1]);
      detail::require_size("grad_bias_" + k, b.grad_bias[l].size(), widths[l + 1]);
    }
  }
  const std::int64_t out_width = widths.back();
  const bool indices = s.loss == spec::MlpLoss::cross_entropy;
  if (s.loss == spec::MlpLoss::none) {
    detail::require_size("cotangent", b.cotangent.size(), n * out_width);
    detail::require_size("loss", b.loss.size(), 0);
  } else {
    detail::require_size("target", b.target.size(), indices ? n : n * out_width);
    detail::require_size("loss", b.loss.size(), none ? (indices ? n : n * out_width) : 1);
  }
  detail::require_size("grad_input", b.grad_input.size(), n * widths[0]);
  bool finite = detail::all_finite(b.input) && detail::all_finite(b.cotangent) &&
                (indices || detail::all_finite(b.target));
  for (std::size_t l = 0; l < L && finite; ++l)
    finite = detail::all_finite(b.weights[l]) && (!s.bias || detail::all_finite(b.biases[l]));
  if (!finite || indices)  // the spec's checks, for the message (and the class indices)
    spec::check_mlp_values(s, out_width, b.input, b.weights, s.bias ? b.biases : std::vector<std::span<const T>>(),
                           b.target, b.cotangent, [](T x) { return spec::format_double(static_cast<double>(x)); });

  const auto dims = [&](std::size_t l) { return spec::AffineDims{n, widths[l], widths[l + 1]}; };
  const auto params = [&](std::size_t l) {
    return detail::activation_params(spec::layer_activation(s, static_cast<std::int64_t>(l + 1)));
  };
  for (std::size_t l = 0; l < L; ++l) {
    const T* x = l == 0 ? b.input.data() : b.activation[l - 1].data();
    T* pre = b.pre_activation[l].data();
    MlpRowsJob<T> job{pre, s.bias ? b.biases[l].data() : nullptr, b.activation[l].data(), nullptr, nullptr,
                      0, 0, 0, 0, widths[l + 1], params(l)};
    detail::product_x_wt<T>(x, b.weights[l].data(), s.weight_layout, dims(l), pre,
                            [job](std::int64_t begin, std::int64_t end, std::int64_t col_begin, std::int64_t col_end) {
                              detail::forward_rows(detail::block(job, begin, end, col_begin, col_end));
                            });
  }

  using detail::scratch;
  const std::span<T> top = scratch<T>(detail::kLossGrad).get(n * out_width);
  if (s.loss == spec::MlpLoss::none)
    std::copy(b.cotangent.begin(), b.cotangent.end(), top.begin());
  else
    detail::loss_gradient<T>(s, n, out_width, b.activation[L - 1], b.target, b.loss, top);
  std::int64_t widest = 0;
  for (std::size_t l = 1; l <= L; ++l) widest = std::max(widest, widths[l]);
  // dL/ds of the layer at hand and of the one below, swapped from layer to layer.
  std::span<T> g = scratch<T>(detail::kG).get(n * widest), g_below = scratch<T>(detail::kGBelow).get(n * widest);
  {
    MlpRowsJob<T> job{b.pre_activation[L - 1].data(), nullptr, nullptr, top.data(), g.data(), 0, 0, 0, out_width,
                      out_width, params(L - 1)};
    parallel_for(n, std::max<std::int64_t>(1, (std::int64_t{1} << 14) / out_width),
                 [job](std::int64_t begin, std::int64_t end) {
                   detail::backward_rows(detail::block(job, begin, end, 0, job.width));
                 });
  }
  for (std::size_t l = L; l-- > 0;) {
    const T* x = l == 0 ? b.input.data() : b.activation[l - 1].data();
    detail::product_gt_x<T>(g.data(), x, s.weight_layout, dims(l), b.grad_weight[l].data());
    if (s.bias) detail::column_sums<T>(g.data(), dims(l), b.grad_bias[l].data());
    if (l == 0) {
      detail::product_g_w<T>(g.data(), b.weights[0].data(), s.weight_layout, dims(0), b.grad_input.data(), nullptr);
      break;
    }
    // dL/dx^(l) by blocks (every element written by the gemm), each turned into
    // dL/ds^(l) = dL/dx^(l) * sigma'(s^(l)) at once.
    const std::span<T> dx = scratch<T>(detail::kDx).get(n * widths[l]);
    MlpRowsJob<T> job{b.pre_activation[l - 1].data(), nullptr, nullptr, dx.data(), g_below.data(), 0, 0, 0, 0,
                      widths[l], params(l - 1)};
    detail::product_g_w<T>(g.data(), b.weights[l].data(), s.weight_layout, dims(l), dx.data(),
                           [job](std::int64_t begin, std::int64_t end, std::int64_t col_begin, std::int64_t col_end) {
                             detail::backward_rows(detail::block(job, begin, end, col_begin, col_end));
                           });
    std::swap(g, g_below);
  }
}

template void mlp<float>(const spec::Mlp&, const spec::MlpShapes&, const MlpBuffers<float>&);
template void mlp<double>(const spec::Mlp&, const spec::MlpShapes&, const MlpBuffers<double>&);

}  // namespace gradref::fast
#endif  // HWY_ONCE
