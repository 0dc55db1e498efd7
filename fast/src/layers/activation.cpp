// Fast activations: every element's f(x) and grad_output * f'(x) through the
// per-target functions of activation-inl.h, whole vectors first, then the range's
// tail through the same code on a zero-padded copy, so an element's result does not
// depend on where a thread's range ends.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "layers/activation.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "gradref/fast/threads.hpp"
#include "layers/activation-inl.h"
#include "layers/activation_job.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {

// Below this many elements per thread, a thread costs more than it saves.
constexpr std::int64_t kActivationGrain = 1 << 14;

template <class T>
void ActivationRange(const ActivationJob<T>& job, std::int64_t begin, std::int64_t end) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::int64_t lanes = static_cast<std::int64_t>(hn::Lanes(d));
  const auto step = [&](const T* x, const T* g, T* y, T* gx) {
    const V xv = hn::LoadU(d, x);
    V value, slope;
    if (job.gelu_tanh) {
      value = GeluTanhValue(d, xv);
      slope = GeluTanhDerivative(d, xv);
    } else {
      value = ActivationValue(d, job.params, xv);
      slope = ActivationDerivative(d, job.params, xv);
    }
    hn::StoreU(value, d, y);
    hn::StoreU(hn::Mul(hn::LoadU(d, g), slope), d, gx);
  };
  std::int64_t i = begin;
  for (; i + lanes <= end; i += lanes) step(job.input + i, job.grad_output + i, job.output + i, job.grad_input + i);
  if (i < end) {
    const std::size_t bytes = static_cast<std::size_t>(end - i) * sizeof(T);
    HWY_ALIGN T x[hn::MaxLanes(d)] = {}, g[hn::MaxLanes(d)] = {}, y[hn::MaxLanes(d)], gx[hn::MaxLanes(d)];
    std::memcpy(x, job.input + i, bytes);
    std::memcpy(g, job.grad_output + i, bytes);
    step(x, g, y, gx);
    std::memcpy(job.output + i, y, bytes);
    std::memcpy(job.grad_input + i, gx, bytes);
  }
}

template <class T>
void ActivationRun(const ActivationJob<T>& job) {
  parallel_for(job.n, kActivationGrain,
               [&job](std::int64_t begin, std::int64_t end) { ActivationRange(job, begin, end); });
}

void ActivationFloat(const ActivationJob<float>& job) { ActivationRun(job); }
void ActivationDouble(const ActivationJob<double>& job) { ActivationRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <string>

#include "dispatch_by_type.hpp"
#include "gradref/fast/layers/activation.hpp"

namespace gradref::fast {
namespace detail {
namespace {

GRADREF_DISPATCH_FLOAT_DOUBLE(dispatch_activation, ActivationJob, ActivationFloat, ActivationDouble)

/// The reference's checks on the shape and values, the buffers' sizes, the run.
template <class T>
void run_activation(const char* op, const ActivationParams& params, bool gelu_tanh, const Shape& shape,
                    std::span<const T> input, std::span<const T> grad_output, std::span<T> output,
                    std::span<T> grad_input) {
  const std::int64_t n = spec::activation_size(op, shape, shape);
  const auto require_size = [op, n](const char* field, std::size_t actual) {
    if (static_cast<std::int64_t>(actual) != n)
      throw InvalidInput(op, field, std::to_string(actual), "the element count of the shape = " + std::to_string(n));
  };
  require_size("input.size", input.size());
  require_size("grad_output.size", grad_output.size());
  require_size("output.size", output.size());
  require_size("grad_input.size", grad_input.size());
  spec::check_activation_values(op, input, grad_output, [](T x) { return spec::format_double(x); });
  dispatch_activation(
      ActivationJob<T>{input.data(), grad_output.data(), output.data(), grad_input.data(), n, params, gelu_tanh});
}

}  // namespace
}  // namespace detail

template <class T>
void activation(const spec::Activation& s, const Shape& shape, std::span<const T> input,
                std::span<const T> grad_output, std::span<T> output, std::span<T> grad_input) {
  spec::validate(s);
  detail::run_activation(spec::Activation::op, detail::activation_params(s), false, shape, input, grad_output, output,
                         grad_input);
}

template <class T>
void gelu_tanh(const spec::GeluTanh& s, const Shape& shape, std::span<const T> input,
               std::span<const T> grad_output, std::span<T> output, std::span<T> grad_input) {
  spec::validate(s);
  detail::run_activation(spec::GeluTanh::op, detail::ActivationParams{}, true, shape, input, grad_output, output,
                         grad_input);
}

template void activation<float>(const spec::Activation&, const Shape&, std::span<const float>,
                                std::span<const float>, std::span<float>, std::span<float>);
template void activation<double>(const spec::Activation&, const Shape&, std::span<const double>,
                                 std::span<const double>, std::span<double>, std::span<double>);
template void gelu_tanh<float>(const spec::GeluTanh&, const Shape&, std::span<const float>, std::span<const float>,
                               std::span<float>, std::span<float>);
template void gelu_tanh<double>(const spec::GeluTanh&, const Shape&, std::span<const double>,
                                std::span<const double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
