#pragma once
// A computation graph given as an s-expression over named inputs, e.g.
//   (let ((d (sub x y))) (mean (mul d d)))
// evaluated forward, then differentiated in reverse mode (docs/graph/graph.md).
// The expression's free symbols are the case's inputs; its value must be a scalar.
// The grammar and the primitives are parsed by reference::parse_graph; this spec
// only carries the text, which must not be empty.
#include <array>
#include <string>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"

namespace gradref::spec {

struct Graph {
  static constexpr const char* op = "graph";

  std::string expression = "(sum (mul x x))";

  template <class V>
  void describe(V& v) {
    v.text("expression", expression,
           "s-expression over the inputs, scalar-valued: (prim arg ...), numbers, input names, "
           "(let ((name expr) ...) body); primitives in docs/graph/graph.md");
  }
};

inline void validate(const Graph& s) {
  require(s.expression.find_first_not_of(" \t\r\n") != std::string::npos, Graph::op, "expression", "\"\"",
          "an s-expression such as (sum (mul x x))");
}

/// No framework takes a graph as text: the one preset is gradref's own.
inline constexpr std::array<Preset<Graph>, 1> graph_presets{{
    {"textbook", "Goodfellow, Bengio, Courville, Deep Learning (2016), sec. 6.5, Algorithms 6.5 and 6.6",
     [](Graph& s) { s = Graph{}; }},
}};
inline const auto& presets_of(const Graph*) { return graph_presets; }

}  // namespace gradref::spec
