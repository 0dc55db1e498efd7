#pragma once
// Floors: kernels that move exactly the bytes a fast kernel's model counts, with no
// arithmetic worth the name, vectorized (Highway, same dispatch) and threaded
// (parallel_for, same grain) like the kernel. kernel rate / floor rate is how close
// the kernel runs to what the memory system allows on this machine.
#include <cstdint>
#include <span>
#include <string>

namespace gradref::bench {

/// Adam's traffic per element and step: reads param, grad, exp_avg, exp_avg_sq and
/// writes param, exp_avg, exp_avg_sq (param <- max(param, grad), m and v swapped).
void adam_floor(std::span<float> param, std::span<const float> grad, std::span<float> exp_avg,
                std::span<float> exp_avg_sq);

/// The least any softmax cross-entropy forward + backward can move: one read of the
/// logits and one write of their gradient (a row-parallel copy).
void cross_entropy_floor(std::span<const float> logits, std::int64_t rows, std::int64_t classes,
                         std::span<float> grad_logits);

/// Names the SIMD target and thread count the kernels run with, for benchmark labels.
std::string machine_label();

}  // namespace gradref::bench
