#pragma once
// Definition of reference::mlp (instantiated in reference/src), in the fast
// kernel's order: per layer, the products x^(l-1) W^(l)T, + b^(l), then
// sigma_l(s^(l)) (activation_fn.hpp); the loss op on x^(L) (its own reference
// template, so its error model is the loss kernel's); then per layer from L down,
// g = dL/dx^(l) * sigma_l'(s^(l)), g^T x^(l-1), the column sums of g, g W^(l).
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "gradref/reference/layers/activation_fn.hpp"
#include "gradref/reference/layers/affine_impl.hpp"
#include "gradref/reference/layers/mlp.hpp"
#include "gradref/reference/losses/bce_with_logits.hpp"
#include "gradref/reference/losses/cross_entropy.hpp"
#include "gradref/reference/losses/exact_value.hpp"
#include "gradref/reference/losses/l1.hpp"
#include "gradref/reference/losses/mse.hpp"
#include "gradref/reference/losses/value_text.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::reference {

namespace mlp_detail {

template <class T>
std::span<const T> span_of(const Array<T>* a) {
  return a ? a->span() : std::span<const T>();
}

/// The loss on x^(L) and dL/dx^(L).
template <class T>
std::pair<Array<T>, Array<T>> loss_and_gradient(const spec::Mlp& s, const Array<T>& output, const Array<T>& target) {
  using spec::MlpLoss;
  switch (s.loss) {
    case MlpLoss::mse: {
      spec::Mse m;
      m.reduction = s.reduction;
      auto r = mse(m, output, target);
      return {std::move(r.loss), std::move(r.grad_input)};
    }
    case MlpLoss::l1: {
      spec::L1 m;
      m.reduction = s.reduction;
      auto r = l1(m, output, target);
      return {std::move(r.loss), std::move(r.grad_input)};
    }
    case MlpLoss::bce_with_logits: {
      spec::BceWithLogits m;
      m.reduction = s.reduction;
      auto r = bce_with_logits<T>(m, output, target, nullptr, nullptr);
      return {std::move(r.loss), std::move(r.grad_input)};
    }
    case MlpLoss::cross_entropy: {
      spec::CrossEntropy m;
      m.reduction = s.reduction;
      std::vector<std::int64_t> indices;
      for (const T& t : target.values()) indices.push_back(exact_value(t).template convert_to<std::int64_t>());
      auto r = cross_entropy<T>(m, output, CrossEntropyTarget<T>{indices, target.shape(), nullptr}, nullptr);
      return {std::move(r.loss), std::move(r.grad_logits)};
    }
    case MlpLoss::none: break;
  }
  return {};
}

}  // namespace mlp_detail

template <class T>
MlpResult<T> mlp(const spec::Mlp& s, const MlpInputs<T>& in) {
  spec::MlpShapes shapes;
  shapes.input = in.input ? &in.input->shape() : nullptr;
  for (const Array<T>* w : in.weights) shapes.weights.push_back(w ? &w->shape() : nullptr);
  for (const Array<T>* b : in.biases) shapes.biases.push_back(b ? &b->shape() : nullptr);
  shapes.target = in.target ? &in.target->shape() : nullptr;
  shapes.cotangent = in.cotangent ? &in.cotangent->shape() : nullptr;
  const std::vector<std::int64_t> widths = spec::mlp_widths(s, shapes);
  const auto L = static_cast<std::size_t>(s.layers);
  {
    std::vector<std::span<const T>> weights, biases;
    for (std::size_t l = 0; l < L; ++l) weights.push_back(in.weights[l]->span());
    if (s.bias)
      for (std::size_t l = 0; l < L; ++l) biases.push_back(in.biases[l]->span());
    spec::check_mlp_values(s, widths.back(), in.input->span(), weights, biases, mlp_detail::span_of(in.target),
                           mlp_detail::span_of(in.cotangent), [](const T& x) { return value_text(x); });
  }
  const std::int64_t n = in.input->extent(0);
  const auto dims = [&](std::size_t l) { return spec::AffineDims{n, widths[l], widths[l + 1]}; };

  MlpResult<T> r;
  for (std::size_t l = 0; l < L; ++l) {
    const Array<T>& x = l == 0 ? *in.input : r.activation[l - 1];
    r.pre_activation.push_back(affine::forward(x, *in.weights[l], s.bias ? in.biases[l] : nullptr, s.weight_layout, dims(l)));
    const spec::Activation sigma = spec::layer_activation(s, static_cast<std::int64_t>(l + 1));
    r.activation.push_back(r.pre_activation[l].template map<T>([&sigma](const T& v) { return activation_value(sigma, v); }));
  }

  Array<T> dx;
  if (s.loss == spec::MlpLoss::none) {
    dx = *in.cotangent;
  } else {
    auto [loss, grad] = mlp_detail::loss_and_gradient(s, r.activation.back(), *in.target);
    r.has_loss = true;
    r.loss = std::move(loss);
    dx = std::move(grad);
  }

  r.grad_weight.resize(L);
  r.grad_bias.resize(L);
  for (std::size_t l = L; l-- > 0;) {
    const spec::Activation sigma = spec::layer_activation(s, static_cast<std::int64_t>(l + 1));
    const Array<T>& pre = r.pre_activation[l];
    Array<T> g(pre.shape(), T(0.0));
    for (std::int64_t i = 0; i < g.size(); ++i) g[i] = dx[i] * activation_derivative(sigma, pre[i]);
    const Array<T>& x = l == 0 ? *in.input : r.activation[l - 1];
    r.grad_weight[l] = affine::grad_weight(g, x, s.weight_layout, dims(l));
    if (s.bias) r.grad_bias[l] = affine::column_sums(g, dims(l));
    dx = affine::grad_input(g, *in.weights[l], s.weight_layout, dims(l));
  }
  r.grad_input = std::move(dx);
  return r;
}

}  // namespace gradref::reference
