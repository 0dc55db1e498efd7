#pragma once
// An autoregressive model over binary vectors x in {0, 1}^D: the fully visible
// sigmoid belief network (Frey 1998; Goodfellow, Bengio & Courville, Deep Learning,
// 2016, sec. 20.10.7 and 20.10.10):
//   p(x_i = 1 | x_<i) = sigmoid(z_i),   z_i = a_i + sum_{j<i} W_ij x_j,
//   log p(x) = sum_i log p(x_i | x_<i) = -sum_i softplus(-(2 x_i - 1) z_i),
// and the maximum-likelihood objective on a batch B of examples
//   L(a, W | B) = (1/|B|) sum_{x in B} log p(x),
//   dL/da_i  = (1/|B|) sum_x (x_i - sigmoid(z_i)),
//   dL/dW_ij = (1/|B|) sum_x (x_i - sigmoid(z_i)) x_j   (j < i; 0 for j >= i).
// W is [D, D] and only its strictly lower triangle is a parameter: entries on and
// above the diagonal are ignored (as a masked weight matrix, MADE-style) and their
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

struct Autoregressive {
  static constexpr const char* op = "autoregressive";
  template <class V>
  void describe(V&) {}
};
inline void validate(const Autoregressive&) {}

inline constexpr std::array<Preset<Autoregressive>, 1> autoregressive_presets{{
    {"textbook",
     "fully visible sigmoid belief network: Frey, Graphical Models for Machine Learning and Digital "
     "Communication (1998); Goodfellow, Bengio & Courville, Deep Learning (2016), sec. 20.10.7, 20.10.10",
     [](Autoregressive& s) { s = Autoregressive{}; }},
}};
inline const auto& presets_of(const Autoregressive*) { return autoregressive_presets; }

/// Checks a [D] (D >= 1), W [D, D] and data [M, D] (M >= 1); returns {M, D}.
inline std::pair<std::int64_t, std::int64_t> autoregressive_dims(const Shape& a, const Shape& W, const Shape& data) {
  const char* op = Autoregressive::op;
  if (a.size() != 1 || a[0] < 1) throw InvalidInput(op, "a.shape", shape_text(a), "shape [D] with D >= 1");
  const std::int64_t d = a[0];
  require_shape(op, "W", W, Shape{d, d});
  if (data.size() != 2 || data[0] < 1 || data[1] != d)
    throw InvalidInput(op, "data.shape", shape_text(data),
                       "shape [M, " + std::to_string(d) + "] with M >= 1 (a non-empty batch of D-vectors)");
  return {data[0], d};
}

/// Every data value is 0 or 1.
inline void check_binary_data(std::span<const std::int64_t> data) {
  for (std::size_t k = 0; k < data.size(); ++k)
    if (data[k] != 0 && data[k] != 1)
      throw InvalidInput(Autoregressive::op, "data[" + std::to_string(k) + "]", std::to_string(data[k]),
                         "a binary value, 0 or 1");
}

/// The parameters are finite (entries of W above the diagonal too, although ignored).
template <class V, class Text>
void check_autoregressive_values(std::span<const V> a, std::span<const V> W, const Text& text) {
  const char* op = Autoregressive::op;
  require_values_in(op, "a", a, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "W", W, -largest_double, largest_double, "a finite number", text);
}

}  // namespace gradref::spec
