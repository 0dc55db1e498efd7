#pragma once
// Conversions every catalog entry needs between the uniform form (exact Real
// arrays) and a backend's typed buffers, plus the rounding model of the fast layer.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/reference/tracked.hpp"

namespace gradref::catalog {

/// The named input, or InvalidInput(op, "inputs.<name>", "missing", ...).
const Array<Real>& input(const Case& c, const std::string& name);

/// Values as float/double; throws InvalidInput if one is not exactly representable.
template <class T>
std::vector<T> exact_values(const Array<Real>& a, const std::string& op, const std::string& name);

/// The value as an integer; throws InvalidInput(op, field, ...) unless it is one.
std::int64_t integer_value(const Real& x, const std::string& op, const std::string& field);
std::vector<std::int64_t> integer_values(const Array<Real>& a, const std::string& op, const std::string& name);

/// Inputs as the kernel holds them in `dtype` (exactly, no error yet).
Array<Tracked> tracked(const Array<Real>& a, Dtype dtype);
Format format_of(Dtype dtype);

/// The error parts / the values of a Tracked array.
Array<Real> errors_of(const Array<Tracked>& a);
Array<Real> values_of(const Array<Tracked>& a);

template <class T>
Array<double> widened(const Shape& shape, std::span<const T> values) {
  return Array<double>(shape, std::vector<double>(values.begin(), values.end()));
}

/// Rounding model of gradref::fast: Highway exp (1 ULP) and log (4 ULP), pow from
/// the C library in double, sums in the blocked-pairwise order of fast/reduction.hpp.
RoundingModel fast_rounding_model();

/// Runs `body` with T = float or double according to `dtype`; there are no
/// bfloat16 kernels (std::logic_error).
template <class F>
decltype(auto) with_dtype(Dtype dtype, F&& body) {
  if (dtype == Dtype::bfloat16) throw std::logic_error("gradref::fast has no bfloat16 kernels");
  if (dtype == Dtype::float32) return body(float{});
  return body(double{});
}

}  // namespace gradref::catalog
