#pragma once
// The size checks on a loss kernel's flat buffers, with the error every loss
// raises: InvalidInput(op, "<buffer>.size", actual, "<what> = <expected>").
#include <cstdint>
#include <span>
#include <string>

#include "gradref/spec/errors.hpp"
#include "gradref/spec/reduction.hpp"

namespace gradref::fast::detail {

inline void require_buffer(const char* op, const char* field, std::size_t actual, std::int64_t expected,
                           const char* what) {
  if (static_cast<std::int64_t>(actual) != expected)
    throw InvalidInput(op, field, std::to_string(actual), std::string(what) + " = " + std::to_string(expected));
}

/// The outputs of an elementwise loss over n elements: loss (n values for
/// reduction none, else 1), grad_input and grad_target (n each).
template <class T>
void require_loss_buffers(const char* op, spec::Reduction r, std::int64_t n, std::span<T> loss,
                          std::span<T> grad_input, std::span<T> grad_target) {
  const bool none = r == spec::Reduction::none;
  require_buffer(op, "loss.size", loss.size(), none ? n : 1,
                 none ? "the element count for reduction none" : "1 for reduction sum or mean");
  require_buffer(op, "grad_input.size", grad_input.size(), n, "the element count");
  require_buffer(op, "grad_target.size", grad_target.size(), n, "the element count");
}

}  // namespace gradref::fast::detail
