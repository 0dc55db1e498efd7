#pragma once
// A spec describes its fields once, through a visitor, so that JSON reading and
// writing, `gradref ops`, presets and validation messages are generic: no layer
// above the spec spells out an op's fields again.
//
// A spec type S provides
//   static constexpr const char* op = "...";
//   template <class V> void describe(V& v);   // calls v.number / v.flag / v.choice / v.integer / v.text
// and a free function validate(const S&) that throws InvalidInput.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "gradref/spec/errors.hpp"

namespace gradref::spec {

/// One named alternative of an enumerated convention field.
template <class E>
struct Alternative {
  const char* name;
  E value;
};

/// Shortest decimal that reads back as the same double (for messages and JSON).
inline std::string format_double(double x) {
  char buf[40];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  (void)ec;
  return std::string(buf, end);
}

/// Throws unless lo <= x <= hi (closed) / lo <= x < hi (half-open) etc.
inline void require(bool ok, const char* op, const char* field, const std::string& value,
                    const char* expected) {
  if (!ok) throw InvalidInput(op, field, value, expected);
}

inline void require_finite_at_least(double x, double lo, const char* op, const char* field,
                                    const char* expected) {
  require(std::isfinite(x) && x >= lo, op, field, format_double(x), expected);
}

inline void require_in_unit_interval(double x, const char* op, const char* field) {
  require(x >= 0.0 && x < 1.0, op, field, format_double(x), "a number in [0, 1)");
}

}  // namespace gradref::spec
