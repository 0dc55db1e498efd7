// Fast dense layer in the reference's order (reference/layers/dense_impl.hpp):
// s = x W^T by gemm, then + b in one vector pass per block; g W and g^T x
// by gemm; the bias gradient as column sums of g in row order.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "layers/dense.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <array>

#include "layers/bias_rows-inl.h"
#include "layers/dense_job.hpp"
#include "layers/gemm.hpp"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {

template <class T>
void DenseRun(const DenseJob<T>& job) {
  const spec::AffineDims& d = job.dims;
  product_x_wt<T>(job.input, job.weight, job.layout, d, job.output,
                  [&job, &d](std::int64_t begin, std::int64_t end, std::int64_t col_begin, std::int64_t col_end) {
                    if (job.bias) AddBiasBlock(job.output, job.bias, begin, end, col_begin, col_end, d.out);
                  });
  product_g_w<T>(job.grad_output, job.weight, job.layout, d, job.grad_input, nullptr);
  product_gt_x<T>(job.grad_output, job.input, job.layout, d, job.grad_weight);
  if (job.grad_bias) column_sums<T>(job.grad_output, d, job.grad_bias);
}

void DenseFloat(const DenseJob<float>& job) { DenseRun(job); }
void DenseDouble(const DenseJob<double>& job) { DenseRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "dispatch_by_type.hpp"
#include "gradref/fast/layers/dense.hpp"
#include "losses/buffer_size.hpp"

namespace gradref::fast {
namespace detail {
namespace {

GRADREF_DISPATCH_FLOAT_DOUBLE(dispatch_dense, DenseJob, DenseFloat, DenseDouble)

}  // namespace
}  // namespace detail

template <class T>
void dense(const spec::Dense& s, const Shape& input_shape, const Shape& weight_shape, const Shape* bias_shape,
           const Shape& grad_output_shape, std::span<const T> input, std::span<const T> weight,
           std::span<const T> bias, std::span<const T> grad_output, std::span<T> output, std::span<T> grad_input,
           std::span<T> grad_weight, std::span<T> grad_bias) {
  const spec::AffineDims d = spec::dense_dims(s, input_shape, weight_shape, bias_shape, grad_output_shape);
  const char* op = spec::Dense::op;
  using detail::require_buffer;
  require_buffer(op, "input.size", input.size(), d.batch * d.in, "N * in");
  require_buffer(op, "weight.size", weight.size(), d.in * d.out, "in * out");
  require_buffer(op, "bias.size", bias.size(), s.bias ? d.out : 0, "out (0 without a bias)");
  require_buffer(op, "grad_output.size", grad_output.size(), d.batch * d.out, "N * out");
  require_buffer(op, "output.size", output.size(), d.batch * d.out, "N * out");
  require_buffer(op, "grad_input.size", grad_input.size(), d.batch * d.in, "N * in");
  require_buffer(op, "grad_weight.size", grad_weight.size(), d.in * d.out, "in * out");
  require_buffer(op, "grad_bias.size", grad_bias.size(), s.bias ? d.out : 0, "out (0 without a bias)");
  spec::check_dense_values(input, weight, bias, grad_output,
                           [](T x) { return spec::format_double(static_cast<double>(x)); });
  detail::DenseJob<T> job{input.data(),      weight.data(),      s.bias ? bias.data() : nullptr,
                          grad_output.data(), output.data(),      grad_input.data(),
                          grad_weight.data(), s.bias ? grad_bias.data() : nullptr, s.weight_layout, d};
  detail::dispatch_dense(job);
}

template void dense<float>(const spec::Dense&, const Shape&, const Shape&, const Shape*, const Shape&,
                           std::span<const float>, std::span<const float>, std::span<const float>,
                           std::span<const float>, std::span<float>, std::span<float>, std::span<float>,
                           std::span<float>);
template void dense<double>(const spec::Dense&, const Shape&, const Shape&, const Shape*, const Shape&,
                            std::span<const double>, std::span<const double>, std::span<const double>,
                            std::span<const double>, std::span<double>, std::span<double>, std::span<double>,
                            std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
