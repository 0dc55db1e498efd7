#pragma once
// Building blocks for the catalog's RapidCheck generators. Every value is produced
// as a double and rounded to the case's dtype, so a generated case is exactly
// representable there; hard cases (tiny, subnormal, huge, ties) are mixed in.
#include <cstdint>
#include <vector>

#include "gradref/catalog/catalog.hpp"

namespace gradref::catalog::gen {

/// x rounded to the dtype (float32 values are exact in double).
double in_dtype(double x, Dtype dtype);

/// A signed value of ordinary size: mantissa in [-1, 1] times 10^k, k in [lo, hi].
rc::Gen<double> ordinary(Dtype dtype, int lo_exponent = -3, int hi_exponent = 3);

/// Ordinary values mixed with zeros, subnormals, tiny and huge magnitudes; `huge`
/// is the largest magnitude the caller's op tolerates in the dtype.
rc::Gen<double> hard(Dtype dtype, double huge);

/// n values from `g`.
rc::Gen<std::vector<double>> values(std::int64_t n, rc::Gen<double> g);

/// The smallest positive subnormal of the dtype times a small integer.
double subnormal(Dtype dtype, int multiple);

/// An array of exact Reals.
Array<Real> real_array(const Shape& shape, const std::vector<double>& values);

}  // namespace gradref::catalog::gen
