#include "distribution_generators.hpp"

#include <algorithm>
#include <cmath>

#include "gradref/catalog/generators.hpp"

namespace gradref::catalog::gen {
namespace {

/// A tiny probability: a subnormal of the dtype, or 1e-30 to 1e-20.
double tiny(Dtype dtype, bool subnormals) {
  if (subnormals && *rc::gen::inRange(0, 2) == 0) return subnormal(dtype, *rc::gen::inRange(1, 1000));
  return in_dtype(*rc::gen::inRange(1, 1000) * std::pow(10.0, *rc::gen::inRange(-30, -22)), dtype);
}

/// K weights (some zero when `zeros`, at least one positive) divided by their sum
/// and rounded: a distribution whose sum is 1 up to the rounding.
std::vector<double> normalized(Dtype dtype, std::int64_t classes, bool zeros) {
  std::vector<double> w(static_cast<std::size_t>(classes));
  for (double& x : w) x = (zeros && *rc::gen::inRange(0, 3) == 0) ? 0.0 : *rc::gen::inRange(1, 1000001);
  if (zeros && classes > 1) w[static_cast<std::size_t>(*rc::gen::inRange<std::int64_t>(0, classes))] = 0;
  double total = 0;
  for (double x : w) total += x;
  if (total == 0) {
    w[0] = 1;
    total = 1;
  }
  for (double& x : w) x = in_dtype(x / total, dtype);
  return w;
}

std::vector<double> prob_row(Dtype dtype, std::int64_t classes, Rows kind, bool subnormals) {
  const auto k = static_cast<std::size_t>(classes);
  if (kind == Rows::moderate) {
    std::vector<double> row(k);
    for (double& x : row) x = in_dtype(*rc::gen::inRange(1000, 1000001) * 1e-6, dtype);
    return row;
  }
  if (kind == Rows::with_zeros) return normalized(dtype, classes, true);
  std::vector<double> row;
  switch (*rc::gen::inRange(0, 7)) {
    case 0:  // one-hot
      row.assign(k, 0.0);
      row[static_cast<std::size_t>(*rc::gen::inRange<std::int64_t>(0, classes))] = 1;
      return row;
    case 1:  // uniform
      return std::vector<double>(k, in_dtype(1.0 / static_cast<double>(classes), dtype));
    case 2:
      return normalized(dtype, classes, true);
    case 3:  // tiny entries among ordinary ones
      row = normalized(dtype, classes, false);
      for (double& x : row)
        if (*rc::gen::inRange(0, 3) == 0) x = tiny(dtype, subnormals);
      return row;
    case 4:  // unnormalized weights up to 1e3, zeros and tiny ones among them
      row.resize(k);
      for (double& x : row) {
        const int which = *rc::gen::inRange(0, 8);
        x = which == 0 ? 0.0 : which == 1 ? tiny(dtype, subnormals) : std::abs(*ordinary(dtype, -3, 3));
      }
      return row;
    default:
      return normalized(dtype, classes, false);
  }
}

std::vector<double> log_row(Dtype dtype, std::int64_t classes, Rows kind) {
  const auto k = static_cast<std::size_t>(classes);
  std::vector<double> row(k);
  if (kind == Rows::moderate) {
    for (double& x : row) x = in_dtype(*rc::gen::inRange(-5000000, 1000001) * 1e-6, dtype);
    return row;
  }
  // Smallest log-probability drawn: exp of it is subnormal in the dtype.
  const double deepest = dtype == Dtype::float32 ? -100 : -740;
  switch (*rc::gen::inRange(0, 5)) {
    case 0: {  // log-softmax of logits up to 10 apart, computed in double, rounded
      std::vector<double> z(k);
      for (double& x : z) x = *ordinary(dtype, -1, 1);
      const double m = *std::max_element(z.begin(), z.end());
      double s = 0;
      for (double x : z) s += std::exp(x - m);
      for (std::size_t j = 0; j < k; ++j) row[j] = in_dtype(z[j] - m - std::log(s), dtype);
      return row;
    }
    case 1:  // uniform
      return std::vector<double>(k, in_dtype(-std::log(static_cast<double>(classes)), dtype));
    case 2:  // unnormalized: |log p| up to 10
      for (double& x : row) x = *ordinary(dtype, -2, 1);
      return row;
    case 3:  // nearly one-hot: one entry near 0, the others far below
      for (double& x : row) x = in_dtype(deepest * *rc::gen::inRange(1, 1001) / 1000.0, dtype);
      row[static_cast<std::size_t>(*rc::gen::inRange<std::int64_t>(0, classes))] = in_dtype(-1e-6 * *rc::gen::inRange(0, 1000), dtype);
      return row;
    default: {  // log of a normalized distribution
      const std::vector<double> p = normalized(dtype, classes, false);
      for (std::size_t j = 0; j < k; ++j) row[j] = in_dtype(std::log(p[j]), dtype);
      return row;
    }
  }
}

}  // namespace

rc::Gen<std::vector<double>> distribution_rows(Dtype dtype, spec::Form form, std::int64_t rows,
                                               std::int64_t classes, Rows kind, bool subnormals) {
  return rc::gen::exec([=] {
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(rows * classes));
    for (std::int64_t i = 0; i < rows; ++i) {
      const std::vector<double> row =
          form == spec::Form::prob ? prob_row(dtype, classes, kind, subnormals) : log_row(dtype, classes, kind);
      out.insert(out.end(), row.begin(), row.end());
    }
    return out;
  });
}

rc::Gen<std::int64_t> class_count() {
  return rc::gen::weightedOneOf<std::int64_t>({{1, rc::gen::just<std::int64_t>(1)},
                                               {6, rc::gen::inRange<std::int64_t>(2, 41)},
                                               {1, rc::gen::inRange<std::int64_t>(60, 201)}});
}

}  // namespace gradref::catalog::gen
