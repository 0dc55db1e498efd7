#pragma once
// Definitions of graph_forward and graph_gradient (instantiated in reference/src/graph.cpp).
//
// The vector-Jacobian products, with G the gradient of the node's value y and a, b
// its arguments (broadcast arguments receive the sum of G over the broadcast
// elements):
//   add  a: G,  b: G            sub  a: G,  b: -G
//   mul  a: G b,  b: G a        div  a: G / b,  b: -(G a) / (b b)
//   neg  -G                     exp  G y          log  G / a        log1p  G / (1 + a)
//   sqrt G / (2 y)              tanh G (1 - y y)  sigmoid G (y (1 - y))
//   abs  G sign(a), 0 at a = 0  power (a^n) G (n a^(n-1))          pow (a^r) G (r a^(r-1))
//   max  G to the larger argument; at a tie G / 2 to each (PyTorch's maximum, JAX's lax.max)
//   min  G to the smaller argument; at a tie G / 2 to each
//   sum  G to every element summed   mean  G / n to every element
//   amax G to the maxima, shared evenly among ties (torch.amax, jnp.max)
//   matmul  a: G b^T,  b: a^T G    transpose  G^T    pick  z[i, t_i]: G[i]; t: 0
// Sums of products (matmul) use sum(span); every other accumulation is a running
// sum in index order, which Tracked analyses as it is.
#include <string>
#include <utility>
#include <vector>

#include "gradref/reference/dual.hpp"
#include "gradref/reference/graph.hpp"
#include "gradref/reference/math.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"
#include "gradref/reference/tracked_special.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::reference {

namespace detail {

/// For each element of `out`, the element of an argument of shape `in` broadcast to it.
std::vector<std::int64_t> broadcast_indices(const Shape& out, const Shape& in);

inline Real exact_of(const Real& x) { return x; }
inline Real exact_of(const Tracked& x) { return x.value(); }
inline Real exact_of(double x) { return exact(x); }
inline Real exact_of(const Dual<Real>& x) { return x.value(); }

/// Where a value leaves a primitive's domain: the input's name when the argument is
/// an input, else "expression".
[[noreturn]] inline void refuse_value(const Graph& g, std::int64_t node, std::int64_t arg, std::int64_t element,
                                      const Real& value, const char* expected) {
  const GraphNode& a = g.nodes[static_cast<std::size_t>(arg)];
  const std::string field = a.primitive == Primitive::input ? a.symbol : "expression";
  throw InvalidInput("graph", field,
                     "\"" + g.nodes[static_cast<std::size_t>(node)].text + "\" at element " + std::to_string(element) +
                         ": " + to_decimal(value, 17),
                     expected);
}

/// A contribution of the output's shape reduced to an argument's shape: summed
/// over the elements the argument was broadcast to (only the first taken when
/// `first_only`, a known-wrong variant).
template <class T>
Array<T> reduced(const Array<T>& contribution, const Shape& shape, bool first_only) {
  if (contribution.shape() == shape) return contribution;
  const std::vector<std::int64_t> idx = broadcast_indices(contribution.shape(), shape);
  std::vector<bool> seen(static_cast<std::size_t>(element_count(shape)), false);
  Array<T> out(shape, T(0.0));
  for (std::int64_t i = 0; i < contribution.size(); ++i) {
    const std::int64_t k = idx[static_cast<std::size_t>(i)];
    if (!seen[static_cast<std::size_t>(k)])
      out[k] = contribution[i];
    else if (!first_only)
      out[k] = out[k] + contribution[i];
    seen[static_cast<std::size_t>(k)] = true;
  }
  return out;
}

}  // namespace detail

template <class T>
std::vector<Array<T>> graph_forward(const Graph& graph, const GraphInputs<T>& inputs) {
  using std::exp;
  using std::log;
  using std::log1p;
  using std::pow;
  using std::sqrt;
  using detail::exact_of;
  std::map<std::string, Shape> shapes;
  for (const auto& [name, array] : inputs) shapes.emplace(name, array.shape());
  const std::vector<Shape> shape = graph_shapes(graph, shapes);

  std::vector<Array<T>> v;
  v.reserve(graph.nodes.size());
  for (std::size_t id = 0; id < graph.nodes.size(); ++id) {
    const GraphNode& n = graph.nodes[id];
    const std::int64_t node = static_cast<std::int64_t>(id);
    const Array<T>* a = n.args.empty() ? nullptr : &v[static_cast<std::size_t>(n.args[0])];
    const Array<T>* b = n.args.size() < 2 ? nullptr : &v[static_cast<std::size_t>(n.args[1])];
    Array<T> y(shape[id], T(0.0));
    const auto refuse = [&](std::int64_t arg, std::int64_t i, const T& x, const char* expected) {
      detail::refuse_value(graph, node, n.args[static_cast<std::size_t>(arg)], i, exact_of(x), expected);
    };
    const auto binary = [&](auto f) {
      const std::vector<std::int64_t> ia = detail::broadcast_indices(y.shape(), a->shape());
      const std::vector<std::int64_t> ib = detail::broadcast_indices(y.shape(), b->shape());
      for (std::int64_t i = 0; i < y.size(); ++i)
        y[i] = f((*a)[ia[static_cast<std::size_t>(i)]], (*b)[ib[static_cast<std::size_t>(i)]], i);
    };
    const auto unary = [&](auto f) {
      for (std::int64_t i = 0; i < y.size(); ++i) y[i] = f((*a)[i], i);
    };
    switch (n.primitive) {
      case Primitive::input:
        y = inputs.at(n.symbol);
        break;
      case Primitive::constant:
        y[0] = T(n.number);
        break;
      case Primitive::add:
        binary([](const T& p, const T& q, std::int64_t) { return p + q; });
        break;
      case Primitive::sub:
        binary([](const T& p, const T& q, std::int64_t) { return p - q; });
        break;
      case Primitive::mul:
        binary([](const T& p, const T& q, std::int64_t) { return p * q; });
        break;
      case Primitive::div:
        binary([&](const T& p, const T& q, std::int64_t i) {
          if (exact_of(q) == 0) refuse(1, i, q, "a divisor != 0");
          return p / q;
        });
        break;
      case Primitive::max:
        binary([](const T& p, const T& q, std::int64_t) { return maximum(p, q); });
        break;
      case Primitive::min:
        binary([](const T& p, const T& q, std::int64_t) { return -maximum(-p, -q); });
        break;
      case Primitive::neg:
        unary([](const T& p, std::int64_t) { return -p; });
        break;
      case Primitive::exp:
        unary([](const T& p, std::int64_t) { return exp(p); });
        break;
      case Primitive::log:
        unary([&](const T& p, std::int64_t i) {
          if (!(exact_of(p) > 0)) refuse(0, i, p, "an argument > 0 for log");
          return log(p);
        });
        break;
      case Primitive::log1p:
        unary([&](const T& p, std::int64_t i) {
          if (!(exact_of(p) > -1)) refuse(0, i, p, "an argument > -1 for log1p");
          return log1p(p);
        });
        break;
      case Primitive::sqrt:
        unary([&](const T& p, std::int64_t i) {
          if (!(exact_of(p) > 0)) refuse(0, i, p, "an argument > 0 for sqrt (its derivative is infinite at 0)");
          return sqrt(p);
        });
        break;
      case Primitive::tanh:
        unary([](const T& p, std::int64_t) {
          using std::tanh;
          return tanh(p);
        });
        break;
      case Primitive::sigmoid:
        unary([](const T& p, std::int64_t) { return T(1.0) / (T(1.0) + exp(-p)); });
        break;
      case Primitive::abs:
        unary([](const T& p, std::int64_t) {
          using std::abs;
          return abs(p);
        });
        break;
      case Primitive::power:
        unary([&](const T& p, std::int64_t i) {
          if (n.integer < 1 && exact_of(p) == 0) refuse(0, i, p, "a base != 0 for a power below 1");
          return power(p, n.integer);
        });
        break;
      case Primitive::pow:
        unary([&](const T& p, std::int64_t i) {
          if (!(exact_of(p) > 0)) refuse(0, i, p, "a base > 0 for a real power");
          return pow(p, T(n.number));
        });
        break;
      case Primitive::sum:
      case Primitive::amax: {
        const bool is_sum = n.primitive == Primitive::sum;
        const auto reduce = [&](std::vector<T> terms) {
          if (is_sum) return sum(std::span<const T>(terms));
          T m = terms[0];
          for (std::size_t k = 1; k < terms.size(); ++k) m = maximum(m, terms[k]);
          return m;
        };
        if (n.integer < 0) {
          y[0] = is_sum && a->size() == 0 ? T(0.0) : reduce(a->values());
          break;
        }
        const std::int64_t rows = a->extent(0), cols = a->extent(1);
        const std::int64_t outer = n.integer == 0 ? cols : rows, inner = n.integer == 0 ? rows : cols;
        for (std::int64_t o = 0; o < outer; ++o) {
          std::vector<T> terms;
          for (std::int64_t k = 0; k < inner; ++k) terms.push_back(n.integer == 0 ? (*a)[k * cols + o] : (*a)[o * cols + k]);
          y[o] = inner == 0 ? T(0.0) : reduce(std::move(terms));
        }
        break;
      }
      case Primitive::mean:
        y[0] = sum(a->span()) / T(static_cast<double>(a->size()));
        break;
      case Primitive::matmul: {
        const std::int64_t m = a->extent(0), k = a->extent(1), cols = b->extent(1);
        std::vector<T> terms(static_cast<std::size_t>(k), T(0.0));
        for (std::int64_t i = 0; i < m; ++i)
          for (std::int64_t j = 0; j < cols; ++j) {
            for (std::int64_t l = 0; l < k; ++l) terms[static_cast<std::size_t>(l)] = (*a)[i * k + l] * (*b)[l * cols + j];
            y[i * cols + j] = k == 0 ? T(0.0) : sum(std::span<const T>(terms));
          }
        break;
      }
      case Primitive::transpose: {
        const std::int64_t rows = a->extent(0), cols = a->extent(1);
        for (std::int64_t i = 0; i < rows; ++i)
          for (std::int64_t j = 0; j < cols; ++j) y[j * rows + i] = (*a)[i * cols + j];
        break;
      }
      case Primitive::pick: {
        const std::int64_t classes = a->extent(1);
        for (std::int64_t i = 0; i < y.size(); ++i) {
          const Real t = exact_of((*b)[i]);
          if (!(t >= 0 && t < classes && floor(t) == t)) refuse(1, i, (*b)[i], "a class index: an integer in [0, C)");
          y[i] = (*a)[i * classes + t.convert_to<std::int64_t>()];
        }
        break;
      }
    }
    v.push_back(std::move(y));
  }
  return v;
}

template <class T>
GraphResult<T> graph_gradient(const Graph& graph, const GraphInputs<T>& inputs, GraphFault fault) {
  using std::pow;
  using detail::exact_of;
  const std::vector<Array<T>> v = graph_forward(graph, inputs);
  const std::size_t count = graph.nodes.size();
  std::vector<Array<T>> g(count);
  std::vector<bool> has(count, false);
  g[count - 1] = Array<T>(Shape{}, T(1.0));
  has[count - 1] = true;

  // g_arg += contribution (the first contribution is taken as it is).
  const auto accumulate = [&](std::int64_t arg, Array<T> contribution) {
    const std::size_t k = static_cast<std::size_t>(arg);
    Array<T> c = detail::reduced(contribution, v[k].shape(), fault == GraphFault::broadcast_not_summed);
    if (!has[k] || fault == GraphFault::overwrite) {
      g[k] = std::move(c);
      has[k] = true;
      return;
    }
    for (std::int64_t i = 0; i < c.size(); ++i) g[k][i] = g[k][i] + c[i];
  };

  for (std::size_t id = count; id-- > 0;) {
    if (!has[id]) continue;  // not on a path to the output
    const GraphNode& n = graph.nodes[id];
    const Array<T>& G = g[id];
    const Array<T>& y = v[id];
    const Array<T>* a = n.args.empty() ? nullptr : &v[static_cast<std::size_t>(n.args[0])];
    const Array<T>* b = n.args.size() < 2 ? nullptr : &v[static_cast<std::size_t>(n.args[1])];
    // Elementwise: the contribution to argument `arg` is f(G_i, a_i, b_i, y_i) at y's shape.
    const auto each = [&](std::size_t arg, auto f) {
      const std::vector<std::int64_t> ia = detail::broadcast_indices(y.shape(), a->shape());
      const std::vector<std::int64_t> ib =
          b ? detail::broadcast_indices(y.shape(), b->shape()) : std::vector<std::int64_t>{};
      Array<T> c(y.shape(), T(0.0));
      for (std::int64_t i = 0; i < y.size(); ++i) {
        const T& p = (*a)[ia[static_cast<std::size_t>(i)]];
        const T& q = b ? (*b)[ib[static_cast<std::size_t>(i)]] : p;
        c[i] = f(G[i], p, q, y[i]);
      }
      accumulate(n.args[arg], std::move(c));
    };
    const auto ties = [&](const T& p, const T& q, const T& gi, bool to_larger) {
      if (p == q) return gi / T(2.0);
      return (p > q) == to_larger ? gi : T(0.0);
    };
    switch (n.primitive) {
      case Primitive::input:
      case Primitive::constant:
        break;
      case Primitive::add:
        each(0, [](const T& gi, const T&, const T&, const T&) { return gi; });
        each(1, [](const T& gi, const T&, const T&, const T&) { return gi; });
        break;
      case Primitive::sub:
        each(0, [](const T& gi, const T&, const T&, const T&) { return gi; });
        each(1, [&](const T& gi, const T&, const T&, const T&) {
          return fault == GraphFault::sub_right_not_negated ? gi : -gi;
        });
        break;
      case Primitive::mul:
        each(0, [](const T& gi, const T&, const T& q, const T&) { return gi * q; });
        each(1, [](const T& gi, const T& p, const T&, const T&) { return gi * p; });
        break;
      case Primitive::div:
        each(0, [](const T& gi, const T&, const T& q, const T&) { return gi / q; });
        each(1, [&](const T& gi, const T& p, const T& q, const T&) {
          const T r = (gi * p) / (q * q);
          return fault == GraphFault::div_without_minus ? r : -r;
        });
        break;
      case Primitive::max:
      case Primitive::min: {
        const bool to_larger = (n.primitive == Primitive::max) != (fault == GraphFault::max_to_smaller);
        each(0, [&](const T& gi, const T& p, const T& q, const T&) { return ties(p, q, gi, to_larger); });
        each(1, [&](const T& gi, const T& p, const T& q, const T&) { return ties(q, p, gi, to_larger); });
        break;
      }
      case Primitive::neg:
        each(0, [](const T& gi, const T&, const T&, const T&) { return -gi; });
        break;
      case Primitive::exp:
        each(0, [](const T& gi, const T&, const T&, const T& yi) { return gi * yi; });
        break;
      case Primitive::log:
        each(0, [&](const T& gi, const T& p, const T&, const T&) {
          return fault == GraphFault::log_times_x ? gi * p : gi / p;
        });
        break;
      case Primitive::log1p:
        each(0, [](const T& gi, const T& p, const T&, const T&) { return gi / (T(1.0) + p); });
        break;
      case Primitive::sqrt:
        each(0, [](const T& gi, const T&, const T&, const T& yi) { return gi / (T(2.0) * yi); });
        break;
      case Primitive::tanh:
        each(0, [&](const T& gi, const T&, const T&, const T& yi) {
          return gi * (fault == GraphFault::tanh_one_plus ? T(1.0) + yi * yi : T(1.0) - yi * yi);
        });
        break;
      case Primitive::sigmoid:
        each(0, [](const T& gi, const T&, const T&, const T& yi) { return gi * (yi * (T(1.0) - yi)); });
        break;
      case Primitive::abs:
        each(0, [](const T& gi, const T& p, const T&, const T&) {
          return p > T(0.0) ? gi : p < T(0.0) ? -gi : T(0.0);
        });
        break;
      case Primitive::power:
        each(0, [&](const T& gi, const T& p, const T&, const T&) {
          if (n.integer == 0) return T(0.0);
          return gi * (T(static_cast<double>(n.integer)) * power(p, n.integer - 1));
        });
        break;
      case Primitive::pow:
        each(0, [&](const T& gi, const T& p, const T&, const T&) {
          return gi * (T(n.number) * pow(p, T(n.number) - T(1.0)));
        });
        break;
      case Primitive::sum:
      case Primitive::mean: {
        Array<T> c(a->shape(), T(0.0));
        const T scale = T(static_cast<double>(a->size()));
        for (std::int64_t i = 0; i < c.size(); ++i) {
          if (n.primitive == Primitive::mean)
            c[i] = G[0] / scale;
          else if (n.integer < 0)
            c[i] = G[0];
          else
            c[i] = G[n.integer == 0 ? i % a->extent(1) : i / a->extent(1)];
        }
        accumulate(n.args[0], std::move(c));
        break;
      }
      case Primitive::amax: {
        // Each element equal to its maximum gets G / (number of elements tied there).
        Array<T> c(a->shape(), T(0.0));
        const auto slot = [&](std::int64_t i) {
          return n.integer < 0 ? 0 : n.integer == 0 ? i % a->extent(1) : i / a->extent(1);
        };
        std::vector<std::int64_t> tied(static_cast<std::size_t>(y.size()), 0);
        for (std::int64_t i = 0; i < a->size(); ++i)
          if ((*a)[i] == y[slot(i)]) ++tied[static_cast<std::size_t>(slot(i))];
        for (std::int64_t i = 0; i < a->size(); ++i) {
          const std::int64_t s = slot(i);
          const std::int64_t k = tied[static_cast<std::size_t>(s)];
          if ((*a)[i] == y[s]) c[i] = k == 1 ? G[s] : G[s] / T(static_cast<double>(k));
        }
        accumulate(n.args[0], std::move(c));
        break;
      }
      case Primitive::matmul: {
        const std::int64_t m = a->extent(0), k = a->extent(1), cols = b->extent(1);
        Array<T> ca(a->shape(), T(0.0)), cb(b->shape(), T(0.0));
        std::vector<T> terms(static_cast<std::size_t>(cols), T(0.0));
        for (std::int64_t i = 0; i < m; ++i)
          for (std::int64_t l = 0; l < k; ++l) {
            for (std::int64_t j = 0; j < cols; ++j) terms[static_cast<std::size_t>(j)] = G[i * cols + j] * (*b)[l * cols + j];
            ca[i * k + l] = cols == 0 ? T(0.0) : sum(std::span<const T>(terms));
          }
        terms.assign(static_cast<std::size_t>(m), T(0.0));
        for (std::int64_t l = 0; l < k; ++l)
          for (std::int64_t j = 0; j < cols; ++j) {
            for (std::int64_t i = 0; i < m; ++i) terms[static_cast<std::size_t>(i)] = (*a)[i * k + l] * G[i * cols + j];
            cb[l * cols + j] = m == 0 ? T(0.0) : sum(std::span<const T>(terms));
          }
        accumulate(n.args[0], std::move(ca));
        accumulate(n.args[1], std::move(cb));
        break;
      }
      case Primitive::transpose: {
        const std::int64_t rows = a->extent(0), cols = a->extent(1);
        Array<T> c(a->shape(), T(0.0));
        for (std::int64_t i = 0; i < rows; ++i)
          for (std::int64_t j = 0; j < cols; ++j) c[i * cols + j] = G[j * rows + i];
        accumulate(n.args[0], std::move(c));
        break;
      }
      case Primitive::pick: {
        const std::int64_t classes = a->extent(1);
        Array<T> c(a->shape(), T(0.0));
        for (std::int64_t i = 0; i < y.size(); ++i) {
          const Real t = exact_of((*b)[i]);
          c[i * classes + t.convert_to<std::int64_t>()] = G[i];
        }
        accumulate(n.args[0], std::move(c));
        break;
      }
    }
  }

  GraphResult<T> out{v.back(), {}};
  for (std::size_t id = 0; id < count; ++id) {
    const GraphNode& n = graph.nodes[id];
    if (n.primitive == Primitive::input && has[id]) out.gradients.emplace(n.symbol, g[id]);
  }
  for (const auto& [name, array] : inputs)
    if (!out.gradients.contains(name)) out.gradients.emplace(name, Array<T>(array.shape(), T(0.0)));
  return out;
}

}  // namespace gradref::reference
