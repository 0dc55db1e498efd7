#pragma once
// Discrete distributions along the last axis of a [N, K] array, as the
// information-theory losses (entropy, kl_divergence) take them: each input is given
// either as probabilities or as log-probabilities, and the form is a spec field.
// Rows need not sum to 1: every formula is defined for any nonnegative weights.
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

/// How a distribution input is given: p_k itself, or log p_k.
enum class Form { prob, log };

inline constexpr std::array<Alternative<Form>, 2> form_alternatives{{
    {"prob", Form::prob},
    {"log", Form::log},
}};

/// Checks a distribution input of shape [N, K] with N >= 1 and K >= 1; returns {N, K}.
inline std::pair<std::int64_t, std::int64_t> distribution_dims(const char* op, const char* name, const Shape& shape) {
  if (shape.size() != 2 || shape[0] < 1 || shape[1] < 1)
    throw InvalidInput(op, std::string(name) + ".shape", shape_text(shape), "[N, K] with N >= 1 and K >= 1");
  return {shape[0], shape[1]};
}

/// Checks every value of a distribution input: finite and >= 0 as probabilities;
/// finite as log-probabilities (a zero probability is given in the prob form). NaN
/// fails every comparison, so it is refused in both forms. `text(x)` writes a
/// refused value for the message; V is any ordered scalar (float, double, Real).
template <class V, class Text>
void check_distribution(const char* op, const char* name, std::span<const V> x, Form form, Text&& text) {
  const V infinity(std::numeric_limits<double>::infinity());
  const V zero(0.0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const V& v = x[i];
    const bool ok = form == Form::prob ? (v >= zero && v < infinity) : (v > -infinity && v < infinity);
    if (!ok)
      throw InvalidInput(op, std::string(name) + "[" + std::to_string(i) + "]", text(v),
                         form == Form::prob ? "a finite probability >= 0" : "a finite log-probability");
  }
}

}  // namespace gradref::spec
