#pragma once
// The sizes and benchmark names every translation unit of gradref_bench shares, so
// that bench/ratios.py can pair a fast kernel with its peers by name:
//   <op>/<dtype>/<implementation>/<size>
// implementation: fast (timed against its floor), scalar (a plain C++ loop), torch.
#include <array>
#include <cstdint>
#include <string>
#include <type_traits>

namespace gradref::bench {

/// Update rules: 2^12 (L1/L2), 2^16 (L2), 2^20 (L3), 2^24 and 2^26 (memory).
inline constexpr std::array<int, 5> kRuleLog2Sizes{12, 16, 20, 24, 26};

/// Softmax cross-entropy [rows, classes]: a GPT-2 vocabulary, long rows with a small
/// batch (split across threads by rows only), a large batch of a 32k vocabulary.
struct LogitsShape {
  std::int64_t rows, classes;
};
inline constexpr std::array<LogitsShape, 3> kCrossEntropyShapes{{{64, 50257}, {8, 131072}, {4096, 32000}}};

template <class T>
const char* dtype_name() {
  return std::is_same_v<T, float> ? "f32" : "f64";
}

inline std::string rule_name(const std::string& rule, const char* dtype, const char* impl, int log2) {
  return rule + "/" + dtype + "/" + impl + "/2^" + std::to_string(log2);
}

inline std::string logits_name(const char* dtype, const char* impl, const LogitsShape& s,
                               const char* op = "cross_entropy") {
  return std::string(op) + "/" + dtype + "/" + impl + "/" + std::to_string(s.rows) + "x" + std::to_string(s.classes);
}

}  // namespace gradref::bench
