#pragma once
// Fast softmax and log-softmax along an axis, forward and vector-Jacobian product in
// one call, for float and double. Rows along dim run in parallel over a static
// partition. Contiguous rows (every axis after dim of extent 1) are vectorized along
// the row; strided rows across neighbouring rows, one row per lane. Each row: max,
// the sums of the reference (blocked-pairwise, reduction.hpp), then one pass writing
// both outputs. The order of operations is reference/losses/softmax_impl.hpp's; exp
// is Highway's (<= 1 ULP), log1p the C library's (<= 1 ULP) once per row.
#include <span>

#include "gradref/spec/softmax.hpp"

namespace gradref::fast {

/// input, grad_output, output and grad_input: element_count(shape) values each,
/// row-major. Validates like the reference.
template <class T>
void softmax(const spec::Softmax& spec, const Shape& shape, std::span<const T> input, std::span<const T> grad_output,
             std::span<T> output, std::span<T> grad_input);

template <class T>
void log_softmax(const spec::LogSoftmax& spec, const Shape& shape, std::span<const T> input,
                 std::span<const T> grad_output, std::span<T> output, std::span<T> grad_input);

extern template void softmax<float>(const spec::Softmax&, const Shape&, std::span<const float>,
                                    std::span<const float>, std::span<float>, std::span<float>);
extern template void softmax<double>(const spec::Softmax&, const Shape&, std::span<const double>,
                                     std::span<const double>, std::span<double>, std::span<double>);
extern template void log_softmax<float>(const spec::LogSoftmax&, const Shape&, std::span<const float>,
                                        std::span<const float>, std::span<float>, std::span<float>);
extern template void log_softmax<double>(const spec::LogSoftmax&, const Shape&, std::span<const double>,
                                         std::span<const double>, std::span<double>, std::span<double>);

}  // namespace gradref::fast
