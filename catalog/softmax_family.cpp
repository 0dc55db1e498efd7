#include "softmax_family.hpp"

#include <algorithm>
#include <cmath>

#include "gradref/catalog/generators.hpp"

namespace gradref::catalog::softmax_family {
namespace {

/// Calls f(indices) with the flat indices of every row of `layout`.
template <class F>
void for_each_row(const spec::SoftmaxLayout& layout, F&& f) {
  std::vector<std::size_t> row(static_cast<std::size_t>(layout.extent));
  for (std::int64_t o = 0; o < layout.outer; ++o)
    for (std::int64_t i = 0; i < layout.inner; ++i) {
      for (std::int64_t j = 0; j < layout.extent; ++j)
        row[static_cast<std::size_t>(j)] = static_cast<std::size_t>((o * layout.extent + j) * layout.inner + i);
      f(row);
    }
}

std::int64_t dim_of(const Case& c) { return c.spec.at("dim").get<std::int64_t>(); }

/// How large the logits of a case are.
enum class Magnitude { ordinary, huge, hard };

/// One magnitude per case, not per value, huge (to 1e4) or the hard mix one case in 16
/// each: a row with one logit thousands above the others has a log-softmax of
/// (z_j - m) - e^-thousands, whose float rounding the certified-digits test can only
/// settle at thousands of bits when z_j - m is a rounding midpoint. Few such cases,
/// and small ones, keep the tests fast.
Magnitude magnitude_of(Draw draw) {
  if (draw != Draw::hard && draw != Draw::multi_axis) return Magnitude::ordinary;
  const int k = *rc::gen::inRange(0, 16);
  return k == 0 ? Magnitude::huge : k == 1 ? Magnitude::hard : Magnitude::ordinary;
}

rc::Gen<double> logits(Dtype dtype, Draw draw, Magnitude magnitude) {
  if (draw == Draw::large) {
    const double lo = dtype == Dtype::float32 ? 100 : 800;
    return rc::gen::map(rc::gen::inRange(0, 1000), [dtype, lo](int k) { return gen::in_dtype(lo + k * lo / 100, dtype); });
  }
  switch (magnitude) {
    case Magnitude::huge:
      return rc::gen::map(gen::ordinary(dtype, 3, 3), [dtype](double x) { return gen::in_dtype(10 * x, dtype); });
    case Magnitude::hard: return gen::hard(dtype, 1e4);
    case Magnitude::ordinary: break;
  }
  return gen::ordinary(dtype, -2, 1);
}

/// A shape and the axis its rows run along, small enough that each op stays within
/// its share of the gate: mostly rank 1 to 4 with rows of 1 to 24 and a few rows
/// across the other axes; sometimes rows of 60 to 140 (several summation blocks);
/// sometimes short strided rows, 17 to 40 apart (several vectors of strided rows).
/// `multi`: rank >= 2. `small`: only the first kind, for the finite differences,
/// which evaluate the whole case a dozen times per entry they check, and for the
/// cases of huge or hard logits.
rc::Gen<std::pair<Shape, std::int64_t>> shapes(bool multi, bool small) {
  return rc::gen::exec([multi, small] {
    const int kind =
        small ? 0 : *rc::gen::weightedOneOf<int>({{7, rc::gen::just(0)}, {1, rc::gen::just(1)}, {1, rc::gen::just(2)}});
    const std::int64_t rank = std::max<std::int64_t>(multi || kind == 2 ? 2 : 1,
                                                     *rc::gen::weightedOneOf<std::int64_t>({{3, rc::gen::just<std::int64_t>(1)},
                                                                                            {4, rc::gen::just<std::int64_t>(2)},
                                                                                            {2, rc::gen::just<std::int64_t>(3)},
                                                                                            {1, rc::gen::just<std::int64_t>(4)}}));
    const std::int64_t axis = *rc::gen::inRange<std::int64_t>(0, kind == 2 ? rank - 1 : rank);
    Shape shape(static_cast<std::size_t>(rank), 1);
    for (std::int64_t a = 0; a < rank; ++a) {
      auto& extent = shape[static_cast<std::size_t>(a)];
      if (a == axis)
        extent = kind == 1   ? *rc::gen::inRange<std::int64_t>(60, 141)
                 : kind == 2 ? *rc::gen::inRange<std::int64_t>(2, 7)
                             : *rc::gen::weightedOneOf<std::int64_t>(
                                   {{1, rc::gen::just<std::int64_t>(1)}, {6, rc::gen::inRange<std::int64_t>(2, 25)}});
      else if (kind == 0)
        extent = *rc::gen::inRange<std::int64_t>(1, rank == 4 ? 3 : 4);
      else if (kind == 2 && a == axis + 1)
        extent = *rc::gen::inRange<std::int64_t>(17, 41);
    }
    return std::pair<Shape, std::int64_t>{shape, axis};
  });
}

}  // namespace

rc::Gen<Case> cases(const char* op, Dtype dtype, Draw draw) {
  return rc::gen::exec([=] {
    const Magnitude magnitude = magnitude_of(draw);
    const auto [shape_drawn, axis] =
        *shapes(draw == Draw::multi_axis, draw == Draw::moderate || magnitude != Magnitude::ordinary);
    Shape shape = shape_drawn;
    const auto rank = static_cast<std::int64_t>(shape.size());
    if (draw == Draw::multi_axis) {
      auto& next = shape[static_cast<std::size_t>((axis + 1) % rank)];
      shape[static_cast<std::size_t>(axis)] = std::max<std::int64_t>(shape[static_cast<std::size_t>(axis)], 2);
      next = std::max<std::int64_t>(next, 2);
    }
    const std::int64_t dim = *rc::gen::arbitrary<bool>() ? axis : axis - rank;
    const spec::SoftmaxLayout layout = spec::softmax_layout(op, dim, shape, shape);
    const std::int64_t count = element_count(shape);

    std::vector<double> z = *gen::values(count, logits(dtype, draw, magnitude));
    // Row patterns: as drawn (0, 4), every entry tied (1), one entry 60 ahead (2), two
    // maxima 300 ahead of the row's max (3): the others' terms, e^-300 = 2^-433 of the
    // maxima's, lie below 256-bit precision, yet evaluations at 512 bits certify them.
    const int pattern = draw == Draw::wide ? 2 : draw == Draw::large ? 0 : *rc::gen::inRange(0, 5);
    const double ahead = draw == Draw::wide ? 2000 : pattern == 2 || draw == Draw::moderate ? 60 : 300;
    for_each_row(layout, [&](const std::vector<std::size_t>& row) {
      const std::size_t mid = row[row.size() / 2];
      if (pattern == 1)
        for (std::size_t k : row) z[k] = z[row[0]];
      if (pattern == 2) z[mid] = gen::in_dtype(z[mid] + ahead, dtype);
      if (pattern == 3) {
        double top = z[row[0]];
        for (std::size_t k : row) top = std::max(top, z[k]);
        z[row[0]] = z[mid] = gen::in_dtype(top + ahead, dtype);
      }
    });

    const auto cotangent = draw == Draw::hard || draw == Draw::multi_axis
                               ? rc::gen::weightedOneOf<double>({{4, gen::ordinary(dtype, -2, 1)}, {1, gen::hard(dtype, 1e4)}})
                               : gen::ordinary(dtype, -2, 1);
    std::vector<double> g = *gen::values(count, cotangent);
    if (*rc::gen::inRange(0, 4) == 0)  // constant along rows: the softmax VJP is exactly 0
      for_each_row(layout, [&g](const std::vector<std::size_t>& row) {
        for (std::size_t k : row) g[k] = g[row[0]];
      });

    Case c{op, Json::object({{"dim", dim}}), {}};
    c.inputs.emplace("input", gen::real_array(shape, z));
    c.inputs.emplace("grad_output", gen::real_array(shape, g));
    return c;
  });
}

Case base_case(const char* op) {
  Case c{op, Json::object({{"dim", -1}}), {}};
  c.inputs.emplace("input", gen::real_array({2, 3}, {1, 2, 3, -1, 0, 1000}));
  c.inputs.emplace("grad_output", gen::real_array({2, 3}, {0.5, -1, 2, 1, 1, -0.25}));
  return c;
}

std::vector<InvalidCase> invalid_cases(const char* op) {
  std::vector<InvalidCase> out;
  const auto with_input = [op](const char* name, const Shape& shape, const std::vector<double>& values) {
    Case c = base_case(op);
    c.inputs.insert_or_assign(name, gen::real_array(shape, values));
    return c;
  };
  Case c = base_case(op);
  c.spec["dim"] = 2;
  out.push_back({"dim = rank", c, "dim"});
  c.spec["dim"] = -3;
  out.push_back({"dim < -rank", c, "dim"});
  c.spec["dim"] = 0.5;
  out.push_back({"fractional dim", c, "dim"});
  c = base_case(op);
  c.spec["axis"] = 1;
  out.push_back({"unknown spec field (ONNX's name for dim)", c, "axis"});
  c = with_input("input", {}, {1});
  c.inputs.insert_or_assign("grad_output", gen::real_array({}, {1}));
  out.push_back({"input of rank 0", c, "input.shape"});
  c = with_input("input", {2, 0}, {});
  c.inputs.insert_or_assign("grad_output", gen::real_array({2, 0}, {}));
  out.push_back({"an empty extent", c, "input.shape"});
  out.push_back({"grad_output of another shape", with_input("grad_output", {3, 2}, {1, 2, 3, 4, 5, 6}),
                 "grad_output.shape"});
  c = base_case(op);
  c.inputs.erase("grad_output");
  out.push_back({"no grad_output", c, "inputs.grad_output"});
  out.push_back({"infinite input", with_input("input", {2, 3}, {1, 2, 3, -1, INFINITY, 1}), "input[4]"});
  out.push_back({"NaN input", with_input("input", {2, 3}, {1, NAN, 3, -1, 0, 1}), "input[1]"});
  out.push_back({"infinite grad_output", with_input("grad_output", {2, 3}, {1, 2, -INFINITY, 1, 1, 1}),
                 "grad_output[2]"});
  return out;
}

namespace {

template <class T>
NamedArrays<double> plain_loop_in(const Case& c, bool log, Mistake mistake) {
  const Array<Real>& input_in = input(c, "input");
  const spec::SoftmaxLayout layout = spec::softmax_layout(c.op.c_str(), dim_of(c), input_in.shape(), input_in.shape());
  const std::vector<T> z = exact_values<T>(input_in, c.op, "input");
  const std::vector<T> g = exact_values<T>(input(c, "grad_output"), c.op, "grad_output");
  std::vector<T> out(z.size()), grad(z.size());
  for_each_row(layout, [&](const std::vector<std::size_t>& row) {
    T m = z[row[0]];
    if (mistake == Mistake::no_max_shift) m = 0;
    else
      for (std::size_t k : row) m = std::max(m, z[k]);
    T total = 0, weighted = 0, g_total = 0;
    for (std::size_t k : row) total += std::exp(z[k] - m);
    for (std::size_t k : row) {
      const T y = std::exp(z[k] - m) / total;
      out[k] = !log ? y : mistake == Mistake::log_of_softmax ? std::log(y) : (z[k] - m) - std::log(total);
      weighted += g[k] * y;
      g_total += g[k];
    }
    for (std::size_t k : row) {
      const T y = std::exp(z[k] - m) / total;
      const bool drop = mistake == Mistake::no_sum_term;
      grad[k] = log ? g[k] - (drop ? T(0) : y * g_total) : y * (g[k] - (drop ? T(0) : weighted));
    }
  });
  NamedArrays<double> result;
  result.emplace("output", widened<T>(input_in.shape(), out));
  result.emplace("grad_input", widened<T>(input_in.shape(), grad));
  return result;
}

}  // namespace

NamedArrays<double> plain_loop(const Case& c, Dtype dtype, bool log, Mistake mistake) {
  return with_dtype(dtype, [&](auto zero) { return plain_loop_in<decltype(zero)>(c, log, mistake); });
}

Case along_next_axis(const Case& c) {
  const auto rank = static_cast<std::int64_t>(input(c, "input").shape().size());
  const std::int64_t dim = dim_of(c), axis = dim < 0 ? dim + rank : dim;
  Case moved = c;
  moved.spec["dim"] = (axis + 1) % rank;
  return moved;
}

}  // namespace gradref::catalog::softmax_family
