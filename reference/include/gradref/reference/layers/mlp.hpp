#pragma once
// Reference multilayer perceptron (spec/mlp.hpp), forward and backward with a loss
// on top, generic over the scalar.
#include <vector>

#include "gradref/reference/array.hpp"
#include "gradref/spec/mlp.hpp"

namespace gradref::reference {

/// The inputs by name; weights[l - 1] is W^(l), biases likewise (empty without a
/// bias). `target` for a loss (cross_entropy: class indices as values), `cotangent`
/// dL/dx^(L) for loss none; null where absent.
template <class T>
struct MlpInputs {
  const Array<T>* input = nullptr;
  std::vector<const Array<T>*> weights;
  std::vector<const Array<T>*> biases;
  const Array<T>* target = nullptr;
  const Array<T>* cotangent = nullptr;
};

/// Index l - 1 of each vector holds layer l's array.
template <class T>
struct MlpResult {
  bool has_loss = false;
  Array<T> loss;  ///< the reduced loss ([] or, for reduction none, the loss's own shape)
  std::vector<Array<T>> pre_activation;  ///< s^(l) [N, n_l]
  std::vector<Array<T>> activation;      ///< x^(l) [N, n_l]
  std::vector<Array<T>> grad_weight;     ///< dL/dW^(l), W's layout
  std::vector<Array<T>> grad_bias;       ///< dL/db^(l) [n_l] (empty without a bias)
  Array<T> grad_input;                   ///< dL/dx^(0) [N, n_0]
};

template <class T>
MlpResult<T> mlp(const spec::Mlp& spec, const MlpInputs<T>& inputs);

}  // namespace gradref::reference
