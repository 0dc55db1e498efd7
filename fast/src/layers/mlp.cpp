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

/// s += b; x = sigma(s): one pass over the rows of a block, right after its gemm.
template <class T>
void ForwardRows(const MlpRowsJob<T>& job) {
  const ActivationParams& p = job.params;
  ForEachRowVector<T>(job.begin, job.end, job.width, std::array<const T*, 1>{job.s}, std::array<const T*, 1>{job.b},
                      std::array<T*, 2>{job.s, job.x}, [&p](auto d, const auto& in, const auto& out) {
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
  ForEachRowVector<T>(job.begin, job.end, job.width, std::array<const T*, 2>{job.dx, job.s},
                      std::array<const T*, 0>{}, std::array<T*, 1>{job.g},
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
#include <cstdint>
#include <string>

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

/// The job on rows [begin, end) (callbacks run concurrently: each takes a copy).
template <class T>
MlpRowsJob<T> rows(MlpRowsJob<T> job, std::int64_t begin, std::int64_t end) {
  job.begin = begin;
  job.end = end;
  return job;
}

void require_size(const std::string& field, std::size_t actual, std::int64_t expected) {
  if (static_cast<std::int64_t>(actual) != expected)
    throw InvalidInput(spec::Mlp::op, field + ".size", std::to_string(actual), "= " + std::to_string(expected));
}

/// dL/dx^(L) from the loss kernel (the loss written to `loss`).
template <class T>
std::vector<T> loss_gradient(const spec::Mlp& s, std::int64_t n, std::int64_t width, std::span<const T> output,
                             std::span<const T> target, std::span<T> loss) {
  std::vector<T> grad(output.size()), scratch(output.size());
  using spec::MlpLoss;
  switch (s.loss) {
    case MlpLoss::mse: {
      spec::Mse m;
      m.reduction = s.reduction;
      mse<T>(m, output, target, loss, grad, scratch);
      break;
    }
    case MlpLoss::l1: {
      spec::L1 m;
      m.reduction = s.reduction;
      l1<T>(m, output, target, loss, grad, scratch);
      break;
    }
    case MlpLoss::bce_with_logits: {
      spec::BceWithLogits m;
      m.reduction = s.reduction;
      bce_with_logits<T>(m, Shape{n, width}, output, target, {}, {}, loss, grad, scratch);
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
  return grad;
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
                      0, 0, widths[l + 1], params(l)};
    detail::product_x_wt<T>(x, b.weights[l].data(), s.weight_layout, dims(l), pre,
                            [job](std::int64_t begin, std::int64_t end) { detail::forward_rows(detail::rows(job, begin, end)); });
  }

  std::vector<T> dx = s.loss == spec::MlpLoss::none
                          ? std::vector<T>(b.cotangent.begin(), b.cotangent.end())
                          : detail::loss_gradient<T>(s, n, out_width, b.activation[L - 1], b.target, b.loss);
  std::vector<T> g(dx.size());
  {
    MlpRowsJob<T> job{b.pre_activation[L - 1].data(), nullptr, nullptr, dx.data(), g.data(), 0, 0, out_width,
                      params(L - 1)};
    parallel_for(n, std::max<std::int64_t>(1, (std::int64_t{1} << 14) / out_width),
                 [job](std::int64_t begin, std::int64_t end) { detail::backward_rows(detail::rows(job, begin, end)); });
  }
  for (std::size_t l = L; l-- > 0;) {
    const T* x = l == 0 ? b.input.data() : b.activation[l - 1].data();
    detail::product_gt_x<T>(g.data(), x, s.weight_layout, dims(l), b.grad_weight[l].data());
    if (s.bias) detail::column_sums<T>(g.data(), dims(l), b.grad_bias[l].data());
    if (l == 0) {
      detail::product_g_w<T>(g.data(), b.weights[0].data(), s.weight_layout, dims(0), b.grad_input.data(), nullptr);
      break;
    }
    // dL/dx^(l) by blocks of rows, each turned into dL/ds^(l) = dL/dx^(l) * sigma'(s^(l)) at once.
    dx.assign(static_cast<std::size_t>(n * widths[l]), T(0));
    std::vector<T> g_below(dx.size());
    MlpRowsJob<T> job{b.pre_activation[l - 1].data(), nullptr, nullptr, dx.data(), g_below.data(), 0, 0, widths[l],
                      params(l - 1)};
    detail::product_g_w<T>(g.data(), b.weights[l].data(), s.weight_layout, dims(l), dx.data(),
                           [job](std::int64_t begin, std::int64_t end) { detail::backward_rows(detail::rows(job, begin, end)); });
    g = std::move(g_below);
  }
}

template void mlp<float>(const spec::Mlp&, const spec::MlpShapes&, const MlpBuffers<float>&);
template void mlp<double>(const spec::Mlp&, const spec::MlpShapes&, const MlpBuffers<double>&);

}  // namespace gradref::fast
#endif  // HWY_ONCE
