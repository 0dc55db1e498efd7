#pragma once
// What the catalog entries of the elementwise regression losses (mse, l1, huber)
// share: running the reference, the error model and the fast kernel on a case,
// generators of input/target pairs with their hard cases, the invalid inputs
// common to all three, and the plain loop the wrong variants are written as.
//
// `Op` is a small traits type: `using Spec = ...;` and
//   template <class T> static reference::PointwiseLossResult<T> exact(const Spec&, const Array<T>&, const Array<T>&);
//   template <class T> static void kernel(const Spec&, std::span<const T> input, std::span<const T> target,
//                                         std::span<T> loss, std::span<T> grad_input, std::span<T> grad_target);
// (the reference template and the fast kernel of the op).
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/reference/losses/pointwise_loss.hpp"
#include "loss_outputs.hpp"
#include "run_in_dtype.hpp"

namespace gradref::catalog::pointwise {

template <class Spec>
Spec spec_of(const Case& c) {
  return spec_from_json<Spec>(c.spec, "");
}

template <class Op>
NamedArrays<Real> run_reference(const Case& c) {
  return named_outputs(Op::exact(spec_of<typename Op::Spec>(c), input(c, "input"), input(c, "target")));
}

template <class Op>
NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  return named_errors(Op::exact(spec_of<typename Op::Spec>(c), tracked(input(c, "input"), dtype),
                                tracked(input(c, "target"), dtype)));
}

template <class Op>
NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    using Spec = typename Op::Spec;
    const Spec s = spec_of<Spec>(c);
    const Array<Real>& input_in = input(c, "input");
    const Array<Real>& target_in = input(c, "target");
    spec::pointwise_loss_size(Spec::op, input_in.shape(), target_in.shape());
    const std::vector<T> x = exact_values<T>(input_in, Spec::op, "input");
    const std::vector<T> y = exact_values<T>(target_in, Spec::op, "target");
    LossBuffers<T> out(input_in.shape(), s.reduction);
    Op::template kernel<T>(s, std::span<const T>(x), std::span<const T>(y), std::span<T>(out.loss),
                           std::span<T>(out.grad_input), std::span<T>(out.grad_target));
    return out.named();
  });
}

/// The ports of every pointwise loss: input and target of one shape; the loss,
/// grad_input (`grad_input_doc` says what it is) and grad_target = -grad_input.
std::vector<Port> input_ports();
std::vector<Port> output_ports(const std::string& grad_input_doc);

/// d(sum of loss) / d input and d target, for the finite-difference check.
std::vector<Gradient> gradients();

/// Shapes of rank 1 to 3, mostly small, sometimes several blocks of sum_block.
rc::Gen<Shape> shapes();

/// How a generated target relates to its input.
enum class Pairing {
  independent,  ///< target drawn like the input
  some_ties,    ///< about half the targets equal their input
  all_ties,     ///< target = input: loss 0, subgradients at the kink
  offset,       ///< target = input -+ offset (rounded to the dtype): differences at a chosen size
};

/// Input values from `value`; targets by `pairing` (offsets from `offset`, used
/// only for Pairing::offset); spec from `spec`.
rc::Gen<Case> cases(const char* op, Dtype dtype, rc::Gen<Json> spec, rc::Gen<double> value, rc::Gen<Pairing> pairing,
                    rc::Gen<double> offset);

/// Every reduction, equally often, as the spec's `reduction` member in JSON.
rc::Gen<std::string> reductions();

/// Values an op takes in `dtype` for the fast-vs-reference tests: gen::hard with
/// magnitudes a float kernel can square and sum without overflow.
rc::Gen<double> hard_values(Dtype dtype);

/// A valid case (input [2, 3]) and the invalid inputs every pointwise loss refuses.
Case base_case(const char* op, const Json& spec);
std::vector<InvalidCase> shared_invalid_cases(const char* op, const Json& spec);

/// A plain loop a user might write, in T: per element, `element(d)` gives the loss
/// and the unscaled gradient of d = x - y; the loss is summed left to right and
/// divided by `divisor` for the mean; the gradient is multiplied by `grad_scale`;
/// grad_target is -grad unless `target_sign_bug`.
template <class T>
NamedArrays<double> plain_loop(const Case& c, spec::Reduction r, const std::function<std::pair<T, T>(T)>& element,
                               T divisor, T grad_scale, bool target_sign_bug = false) {
  const Array<Real>& input_in = input(c, "input");
  const std::vector<T> x = exact_values<T>(input_in, c.op, "input");
  const std::vector<T> y = exact_values<T>(input(c, "target"), c.op, "target");
  std::vector<T> loss(x.size()), gx(x.size()), gy(x.size());
  T total = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto [l, g] = element(x[i] - y[i]);
    loss[i] = l;
    total += l;
    gx[i] = g * grad_scale;
    gy[i] = target_sign_bug ? gx[i] : -gx[i];
  }
  return loop_outputs<T>(input_in.shape(), r, loss, r == spec::Reduction::mean ? total / divisor : total, gx, gy);
}

using catalog::run_in_dtype;

}  // namespace gradref::catalog::pointwise
