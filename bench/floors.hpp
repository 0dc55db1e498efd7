#pragma once
// Floors: kernels that move exactly the bytes a fast kernel's model counts, with no
// arithmetic worth the name, vectorized (Highway, same dispatch) and threaded
// (parallel_for, same grain and partition) like the kernel. kernel rate / floor rate
// is how close the kernel runs to what the memory system allows on this machine.
#include <cstdint>
#include <span>
#include <string>

namespace gradref::bench {

/// param plus at most four state arrays, as in fast/src/rules/rule_job.hpp.
inline constexpr int kMaxRuleFloorArrays = 5;

/// An update rule's traffic per element and step: reads grad and every array in
/// `updated` (param, then the state slots; 1 to 5 arrays) and writes each of them
/// back. The values written are the values read (x | (g & 0), the 0 opaque to the
/// compiler), so the floor leaves the rule's inputs valid: it runs on the kernel's
/// own arrays, alternately with the kernel, without disturbing what the kernel sees.
template <class T>
void rule_floor(std::span<T* const> updated, const T* grad, std::int64_t n);

extern template void rule_floor<float>(std::span<float* const>, const float*, std::int64_t);
extern template void rule_floor<double>(std::span<double* const>, const double*, std::int64_t);

/// The least any softmax cross-entropy forward + backward can move out of place: one
/// read of the logits and one write of their gradient (a copy of rows * classes
/// elements split evenly over the threads, whatever the number of rows).
void cross_entropy_floor(std::span<const float> logits, std::int64_t rows, std::int64_t classes,
                         std::span<float> grad_logits);

/// The same in place (the gradient overwrites the logits): one read and one write of
/// the same buffer, the values written those read (x | 0, the 0 opaque to the compiler).
void cross_entropy_in_place_floor(std::span<float> logits);

/// Names the SIMD target and thread count the kernels run with, for benchmark labels.
std::string machine_label();

}  // namespace gradref::bench
