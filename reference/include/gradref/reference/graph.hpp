#pragma once
// A small reverse-mode differentiation engine over an explicit DAG of primitives:
// the textbook algorithm (Goodfellow, Bengio, Courville, Deep Learning, 2016,
// sec. 6.5.6, Algorithms 6.5 and 6.6), kept simple so that it can serve as an
// independent oracle for the hand-written backward passes of the losses and layers.
//
// Forward: every node is computed in topological order (the order the parser
// emits them: a node's arguments come before it). Backward: g = 1 at the scalar
// output; then, in reverse topological order, each node j with a gradient g_j adds
// its vector-Jacobian product g_j du_j/du_i to every argument i, so that
// g_i = sum over the children j of i of g_j du_j/du_i once all children are done.
// Each primitive's VJP is written once (graph_impl.hpp); docs/graph/graph.md
// lists them with their conventions at kinks and ties.
//
// Nodes hold arrays. Elementwise primitives broadcast as NumPy does between a
// scalar (shape []) and any array, and between arrays of one rank whose extents
// agree or are 1 (a [N, 1] column or [1, C] row against [N, C]). The graph's text
// form is an s-expression (spec/graph.hpp), e.g.
//   (let ((d (sub x y))) (mean (mul d d)))
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gradref/reference/array.hpp"

namespace gradref::reference {

enum class Primitive : std::uint8_t {
  input,      ///< a free symbol of the expression: one of the case's inputs
  constant,   ///< a number in the text (a double, shape [])
  add, sub, mul, div, max, min,                     ///< elementwise, broadcasting
  neg, exp, log, log1p, sqrt, tanh, sigmoid, abs,   ///< elementwise
  power,      ///< (pow a n), n an integer literal: a^n
  pow,        ///< (pow a r), r a literal with a point or exponent: a^r, a > 0
  sum,        ///< (sum a): [] ; (sum a k), a 2-D: extent k reduced to 1
  mean,       ///< (mean a): [], the sum divided by the element count
  amax,       ///< (amax a): [] ; (amax a k), a 2-D: the largest along axis k, kept as 1
  matmul,     ///< [m, k] x [k, n] -> [m, n]
  transpose,  ///< [m, n] -> [n, m]
  pick,       ///< (pick z t): z [N, C], t [N] class indices -> [N, 1], z[i, t_i]
};

struct GraphNode {
  Primitive primitive = Primitive::constant;
  std::vector<std::int64_t> args;  ///< indices of earlier nodes
  std::string symbol;              ///< the input's name (input)
  double number = 0;               ///< the constant (constant), the exponent (pow)
  std::int64_t integer = -1;       ///< the exponent (power), the axis or -1 for all (sum, amax)
  std::string text;                ///< the sub-expression as written, for messages
};

/// Nodes in topological order; the last is the output.
struct Graph {
  std::vector<GraphNode> nodes;
  std::vector<std::string> symbols;  ///< the free symbols, in order of first use
};

/// Parses the s-expression grammar of docs/graph/graph.md. Throws
/// InvalidInput("graph", "expression", ...) on a parse error, an unknown primitive
/// or a wrong number of arguments.
Graph parse_graph(std::string_view text);

/// Every node's shape for inputs of these shapes. Throws InvalidInput("graph",
/// "expression", ...) on a symbol with no input, a shape mismatch or a non-scalar output.
std::vector<Shape> graph_shapes(const Graph& graph, const std::map<std::string, Shape>& inputs);

/// Deliberately broken vector-Jacobian products, for the catalog's known-wrong
/// variants and for showing that the theorems fail on a broken engine.
enum class GraphFault : std::uint8_t {
  none,
  div_without_minus,      ///< d(a/b)/db = +a/b^2
  sub_right_not_negated,  ///< d(a-b)/db = +1
  overwrite,              ///< a node's gradient is its last child's contribution, not the sum
  log_times_x,            ///< d(log a)/da = a instead of 1/a
  tanh_one_plus,          ///< d(tanh a)/da = 1 + tanh^2 a
  max_to_smaller,         ///< max's gradient to the smaller argument
  broadcast_not_summed,   ///< a broadcast argument gets one element's contribution, not the sum (a bias's
                          ///< gradient taken from the first row of the batch)
};

template <class T>
using GraphInputs = std::map<std::string, Array<T>>;

/// Every node's value, in the graph's order. Throws InvalidInput as graph_shapes
/// does, and naming the input (or "expression" for a computed argument) where a
/// primitive leaves its domain: log, sqrt and real powers of arguments <= 0,
/// log1p of <= -1, division by 0, a negative power of 0, a pick index that is not
/// a class index.
template <class T>
std::vector<Array<T>> graph_forward(const Graph& graph, const GraphInputs<T>& inputs);

template <class T>
struct GraphResult {
  Array<T> value;                        ///< the output, shape []
  std::map<std::string, Array<T>> gradients;  ///< d value / d input, for every input given (0 where unused)
};

/// The output and its gradient with respect to every input, by reverse mode.
template <class T>
GraphResult<T> graph_gradient(const Graph& graph, const GraphInputs<T>& inputs, GraphFault fault = GraphFault::none);

}  // namespace gradref::reference
