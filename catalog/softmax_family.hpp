#pragma once
// What the catalog entries of softmax and log_softmax share: running the reference,
// the error model and the fast kernel on a case, the generators (any rank, rows
// along any axis, hard rows), the invalid inputs, and the plain loops and altered
// cases the wrong variants are made of.
//
// `Op` is a small traits type: `using Spec = ...;` and
//   template <class T> static reference::SoftmaxResult<T> exact(const Spec&, const Array<T>&, const Array<T>&);
//   template <class T> static void kernel(const Spec&, const Shape&, std::span<const T> input,
//                                         std::span<const T> grad_output, std::span<T> output, std::span<T> grad_input);
// (the reference template and the fast kernel of the op).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/reference/losses/softmax.hpp"

namespace gradref::catalog::softmax_family {

template <class Spec>
Spec spec_of(const Case& c) {
  return spec_from_json<Spec>(c.spec, "");
}

template <class T>
NamedArrays<T> named(reference::SoftmaxResult<T> r) {
  NamedArrays<T> out;
  out.emplace("output", std::move(r.output));
  out.emplace("grad_input", std::move(r.grad_input));
  return out;
}

template <class Op>
NamedArrays<Real> run_reference(const Case& c) {
  return named(Op::exact(spec_of<typename Op::Spec>(c), input(c, "input"), input(c, "grad_output")));
}

template <class Op>
NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  auto r = Op::exact(spec_of<typename Op::Spec>(c), tracked(input(c, "input"), dtype),
                     tracked(input(c, "grad_output"), dtype));
  NamedArrays<Real> out;
  out.emplace("output", errors_of(r.output));
  out.emplace("grad_input", errors_of(r.grad_input));
  return out;
}

template <class Op>
NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    using Spec = typename Op::Spec;
    const Spec s = spec_of<Spec>(c);
    const Array<Real>& input_in = input(c, "input");
    const Array<Real>& grad_in = input(c, "grad_output");
    spec::softmax_layout(Spec::op, s.dim, input_in.shape(), grad_in.shape());
    const std::vector<T> z = exact_values<T>(input_in, Spec::op, "input");
    const std::vector<T> g = exact_values<T>(grad_in, Spec::op, "grad_output");
    std::vector<T> out(z.size()), grad(z.size());
    Op::template kernel<T>(s, input_in.shape(), std::span<const T>(z), std::span<const T>(g), std::span<T>(out),
                           std::span<T>(grad));
    NamedArrays<double> result;
    result.emplace("output", widened<T>(input_in.shape(), out));
    result.emplace("grad_input", widened<T>(input_in.shape(), grad));
    return result;
  });
}

/// Which inputs a generator draws.
enum class Draw {
  hard,         ///< logits to 1e4 with hard values, ties, a dominant entry, two maxima 1000 ahead
  moderate,     ///< logits within 10 (plus ties and entries 60 ahead): derivatives 512-bit differences resolve
  large,        ///< every logit from 100 (float32) or 800 (float64) up: exp overflows without the max shift
  wide,         ///< one entry 2000 ahead in every row: the others' softmax underflows to 0
  multi_axis,   ///< as hard, with rank >= 2 and at least two axes of extent >= 2
};

/// A case of `op` (whose spec has only `dim`): input and grad_output exact in dtype.
rc::Gen<Case> cases(const char* op, Dtype dtype, Draw draw);

/// A valid case (input [2, 3], dim -1) and the invalid inputs both ops refuse.
Case base_case(const char* op);
std::vector<InvalidCase> invalid_cases(const char* op);

/// The plain loop a user might write, in T, with one mistake.
enum class Mistake {
  no_max_shift,    ///< exp(z) / sum exp(z): overflows on large logits
  log_of_softmax,  ///< log_softmax as log(softmax): -inf where softmax underflows
  no_sum_term,     ///< VJP y * g (softmax) or g (log_softmax): the Jacobian's rank-one term dropped
};
NamedArrays<double> plain_loop(const Case& c, Dtype dtype, bool log, Mistake mistake);

/// The case with dim moved to the next axis (mod rank): normalized along the wrong axis.
Case along_next_axis(const Case& c);

}  // namespace gradref::catalog::softmax_family
