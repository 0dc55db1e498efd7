#pragma once
// The one error type every layer raises for bad input. It names the op, the field,
// the offending value and what was expected, so a person can act on the message
// and the CLI can print it as JSON without parsing text.
#include <stdexcept>
#include <string>

namespace gradref {

class InvalidInput : public std::invalid_argument {
 public:
  InvalidInput(std::string op, std::string field, std::string value, std::string expected)
      : std::invalid_argument(op + ": " + field + " = " + value + ", expected " + expected),
        op_(std::move(op)), field_(std::move(field)), value_(std::move(value)),
        expected_(std::move(expected)) {}

  const std::string& op() const noexcept { return op_; }
  const std::string& field() const noexcept { return field_; }
  const std::string& value() const noexcept { return value_; }
  const std::string& expected() const noexcept { return expected_; }

 private:
  std::string op_, field_, value_, expected_;
};

}  // namespace gradref
