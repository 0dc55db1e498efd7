#pragma once
// The neural autoregressive distribution estimator over binary vectors x in {0, 1}^D
// (Larochelle & Murray, "The Neural Autoregressive Distribution Estimator", AISTATS
// 2011, eq. 2-3 and Algorithm 1; Goodfellow, Bengio & Courville, Deep Learning, 2016,
// sec. 20.10.10): with H hidden units shared across positions,
//   h_i = sigmoid(c + W[:, <i] x_<i)   [H],   p(x_i = 1 | x_<i) = sigmoid(z_i),  z_i = b_i + V_i . h_i,
//   log p(x) = sum_i log p(x_i | x_<i) = -sum_i softplus(-(2 x_i - 1) z_i),
// and the batch mean log-likelihood L = (1/|B|) sum_{x in B} log p(x) with its
// gradient with respect to b [D], c [H], W [H, D] and V [D, H] (Algorithm 1's
// backward pass, for ascent). The last column of W never conditions anything: its
// gradient is 0.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "gradref/spec/bce.hpp"  // require_values_in, largest_double
#include "gradref/spec/errors.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

struct Nade {
  static constexpr const char* op = "nade";
  template <class V>
  void describe(V&) {}
};
inline void validate(const Nade&) {}

inline constexpr std::array<Preset<Nade>, 1> nade_presets{{
    {"textbook",
     "Larochelle & Murray, The Neural Autoregressive Distribution Estimator, AISTATS 2011, eq. 2-3 and "
     "Algorithm 1 (hidden sigmoid units, weights shared across positions)",
     [](Nade& s) { s = Nade{}; }},
}};
inline const auto& presets_of(const Nade*) { return nade_presets; }

struct NadeDims {
  std::int64_t m = 0, d = 0, h = 0;
};

/// Checks b [D] (D >= 1), c [H] (H >= 1), W [H, D], V [D, H] and data [M, D] (M >= 1).
inline NadeDims nade_dims(const Shape& b, const Shape& c, const Shape& W, const Shape& V, const Shape& data) {
  const char* op = Nade::op;
  if (b.size() != 1 || b[0] < 1) throw InvalidInput(op, "b.shape", shape_text(b), "shape [D] with D >= 1");
  if (c.size() != 1 || c[0] < 1) throw InvalidInput(op, "c.shape", shape_text(c), "shape [H] with H >= 1");
  const std::int64_t d = b[0], h = c[0];
  require_shape(op, "W", W, Shape{h, d});
  require_shape(op, "V", V, Shape{d, h});
  if (data.size() != 2 || data[0] < 1 || data[1] != d)
    throw InvalidInput(op, "data.shape", shape_text(data),
                       "shape [M, " + std::to_string(d) + "] with M >= 1 (a non-empty batch of D-vectors)");
  return {data[0], d, h};
}

/// Every data value is 0 or 1.
inline void check_nade_data(std::span<const std::int64_t> data) {
  for (std::size_t k = 0; k < data.size(); ++k)
    if (data[k] != 0 && data[k] != 1)
      throw InvalidInput(Nade::op, "data[" + std::to_string(k) + "]", std::to_string(data[k]), "a binary value, 0 or 1");
}

/// The parameters are finite.
template <class T, class Text>
void check_nade_values(std::span<const T> b, std::span<const T> c, std::span<const T> W, std::span<const T> V,
                       const Text& text) {
  const char* op = Nade::op;
  require_values_in(op, "b", b, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "c", c, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "W", W, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "V", V, -largest_double, largest_double, "a finite number", text);
}

}  // namespace gradref::spec
