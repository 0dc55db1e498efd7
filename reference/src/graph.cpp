// The graph engine: the parser and shape rules (plain C++), and the only place the
// forward and reverse passes are compiled: for Real and Tracked (reference and error
// model), Dual<Real> (forward-mode derivatives) and float/double (the known-wrong
// variants run the engine in the dtype).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

#include "gradref/reference/dual.hpp"
#include "gradref/reference/graph_impl.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/tracked.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::reference {

namespace {

constexpr const char* kOp = "graph";

[[noreturn]] void refuse(const std::string& value, const std::string& expected) {
  throw InvalidInput(kOp, "expression", value, expected);
}

/// An s-expression: an atom or a parenthesized list, with where it was written.
struct Sexp {
  bool atom = false;
  std::string token;
  std::vector<Sexp> items;
  std::size_t begin = 0, end = 0;
};

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  Sexp read_all() {
    Sexp e = read();
    skip_space();
    if (pos_ < text_.size())
      refuse(excerpt(pos_), "one expression; text follows the end of the first (unbalanced parentheses?)");
    return e;
  }

 private:
  std::string excerpt(std::size_t at) const {
    return "\"" + std::string(text_.substr(at, 24)) + "\" at character " + std::to_string(at);
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  Sexp read() {
    skip_space();
    if (pos_ >= text_.size()) refuse("\"" + std::string(text_) + "\"", "a complete expression (missing ')'?)");
    Sexp e;
    e.begin = pos_;
    if (text_[pos_] == ')') refuse(excerpt(pos_), "an expression, not ')' (unbalanced parentheses)");
    if (text_[pos_] == '(') {
      ++pos_;
      for (;;) {
        skip_space();
        if (pos_ >= text_.size()) refuse(excerpt(e.begin), "a ')' closing the list that starts here");
        if (text_[pos_] == ')') break;
        e.items.push_back(read());
      }
      ++pos_;
      if (e.items.empty()) refuse(excerpt(e.begin), "a primitive and its arguments, not ()");
    } else {
      e.atom = true;
      while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_])) && text_[pos_] != '(' &&
             text_[pos_] != ')')
        ++pos_;
      e.token = std::string(text_.substr(e.begin, pos_ - e.begin));
    }
    e.end = pos_;
    return e;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

bool is_number(const std::string& t) {
  const char c = t[0];
  const bool signed_digit = (c == '-' || c == '+' || c == '.') && t.size() > 1 &&
                            (std::isdigit(static_cast<unsigned char>(t[1])) || t[1] == '.');
  return std::isdigit(static_cast<unsigned char>(c)) || signed_digit;
}

bool is_integer(const std::string& t) {
  const std::size_t start = t[0] == '-' || t[0] == '+' ? 1 : 0;
  return start < t.size() && std::all_of(t.begin() + static_cast<std::ptrdiff_t>(start), t.end(),
                                         [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool is_symbol(const std::string& t) {
  return (std::isalpha(static_cast<unsigned char>(t[0])) || t[0] == '_') &&
         std::all_of(t.begin(), t.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

double number_of(const std::string& t) {
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(t.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(x)) refuse("\"" + t + "\"", "a finite number");
  return x;
}

struct PrimitiveInfo {
  const char* name;
  Primitive primitive;
  int min_args, max_args;
};

constexpr PrimitiveInfo kPrimitives[] = {
    {"add", Primitive::add, 2, 2},        {"sub", Primitive::sub, 2, 2},
    {"mul", Primitive::mul, 2, 2},        {"div", Primitive::div, 2, 2},
    {"max", Primitive::max, 2, 2},        {"min", Primitive::min, 2, 2},
    {"neg", Primitive::neg, 1, 1},        {"exp", Primitive::exp, 1, 1},
    {"log", Primitive::log, 1, 1},        {"log1p", Primitive::log1p, 1, 1},
    {"sqrt", Primitive::sqrt, 1, 1},      {"tanh", Primitive::tanh, 1, 1},
    {"sigmoid", Primitive::sigmoid, 1, 1}, {"abs", Primitive::abs, 1, 1},
    {"pow", Primitive::pow, 2, 2},        {"sum", Primitive::sum, 1, 2},
    {"mean", Primitive::mean, 1, 1},      {"amax", Primitive::amax, 1, 2},
    {"matmul", Primitive::matmul, 2, 2},  {"transpose", Primitive::transpose, 1, 1},
    {"pick", Primitive::pick, 2, 2},
};

std::string primitive_names() {
  std::string out = "let";
  for (const PrimitiveInfo& p : kPrimitives) out += std::string(", ") + p.name;
  return out;
}

class Builder {
 public:
  explicit Builder(std::string_view text) : text_(text) {}

  Graph build(const Sexp& root) {
    node(root);
    return std::move(graph_);
  }

 private:
  std::string written(const Sexp& e) const { return std::string(text_.substr(e.begin, e.end - e.begin)); }

  std::int64_t add(GraphNode n) {
    graph_.nodes.push_back(std::move(n));
    return static_cast<std::int64_t>(graph_.nodes.size()) - 1;
  }

  std::int64_t atom(const Sexp& e) {
    const std::string& t = e.token;
    if (is_number(t)) return add({Primitive::constant, {}, "", number_of(t), -1, t});
    if (!is_symbol(t)) refuse("\"" + t + "\"", "a number, an input name or a let-bound name");
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
      if (it->first == t) return it->second;
    if (auto it = inputs_.find(t); it != inputs_.end()) return it->second;
    for (const PrimitiveInfo& p : kPrimitives)
      if (t == p.name) refuse("\"" + t + "\"", "an input name; " + t + " is a primitive: write (" + t + " ...)");
    const std::int64_t id = add({Primitive::input, {}, t, 0, -1, t});
    inputs_.emplace(t, id);
    graph_.symbols.push_back(t);
    return id;
  }

  std::int64_t let(const Sexp& e) {
    if (e.items.size() != 3 || e.items[1].atom)
      refuse("\"" + written(e) + "\"", "(let ((name expression) ...) body)");
    const std::size_t depth = scope_.size();
    for (const Sexp& binding : e.items[1].items) {
      if (binding.atom || binding.items.size() != 2 || !binding.items[0].atom || !is_symbol(binding.items[0].token))
        refuse("\"" + written(binding) + "\"", "a binding (name expression)");
      const std::int64_t id = node(binding.items[1]);
      scope_.emplace_back(binding.items[0].token, id);
    }
    const std::int64_t body = node(e.items[2]);
    scope_.resize(depth);
    return body;
  }

  std::int64_t node(const Sexp& e) {
    if (e.atom) return atom(e);
    const Sexp& head = e.items[0];
    if (!head.atom) refuse("\"" + written(e) + "\"", "a primitive name after '(': " + primitive_names());
    if (head.token == "let") return let(e);
    const PrimitiveInfo* info = nullptr;
    for (const PrimitiveInfo& p : kPrimitives)
      if (head.token == p.name) info = &p;
    if (!info) refuse("\"" + head.token + "\"", "a primitive: " + primitive_names());
    const int given = static_cast<int>(e.items.size()) - 1;
    if (given < info->min_args || given > info->max_args)
      refuse("\"" + written(e) + "\"", std::string(info->name) + " with " + std::to_string(info->min_args) +
                                           (info->max_args > info->min_args ? " or " + std::to_string(info->max_args) : "") +
                                           " argument" + (info->max_args > 1 ? "s" : ""));
    GraphNode n{info->primitive, {}, "", 0, -1, written(e)};
    n.args.push_back(node(e.items[1]));
    const Sexp* second = given == 2 ? &e.items[2] : nullptr;
    if (info->primitive == Primitive::pow) {
      if (!second->atom || !is_number(second->token))
        refuse("\"" + written(e) + "\"", "(pow a n) with a number literal n (integer: a^n; with a point: a^r, a > 0)");
      if (is_integer(second->token)) {
        const double exponent = number_of(second->token);
        if (std::abs(exponent) > 1e6) refuse("\"" + written(e) + "\"", "an integer exponent in [-10^6, 10^6]");
        n.primitive = Primitive::power;
        n.integer = static_cast<std::int64_t>(exponent);
      } else {
        n.number = number_of(second->token);
      }
    } else if (info->primitive == Primitive::sum || info->primitive == Primitive::amax) {
      if (second) {
        if (!second->atom || (second->token != "0" && second->token != "1"))
          refuse("\"" + written(e) + "\"", std::string("(") + info->name + " a) or (" + info->name + " a k), k = 0 or 1");
        n.integer = second->token == "0" ? 0 : 1;
      }
    } else if (second) {
      n.args.push_back(node(*second));
    }
    return add(std::move(n));
  }

  std::string_view text_;
  Graph graph_;
  std::vector<std::pair<std::string, std::int64_t>> scope_;
  std::map<std::string, std::int64_t> inputs_;
};

[[noreturn]] void refuse_shapes(const GraphNode& n, const std::string& shapes, const std::string& expected) {
  refuse("\"" + n.text + "\" on " + shapes, expected);
}

Shape broadcast_shape(const GraphNode& n, const Shape& a, const Shape& b) {
  if (a == b || b.empty()) return a;
  if (a.empty()) return b;
  const std::string both = shape_text(a) + " and " + shape_text(b);
  if (a.size() != b.size())
    refuse_shapes(n, both, "equal shapes, a scalar [], or one rank with extents equal or 1 (broadcasting)");
  Shape out(a.size());
  for (std::size_t d = 0; d < a.size(); ++d) {
    if (a[d] != b[d] && a[d] != 1 && b[d] != 1)
      refuse_shapes(n, both, "equal shapes, a scalar [], or one rank with extents equal or 1 (broadcasting)");
    out[d] = a[d] == 1 ? b[d] : a[d];
  }
  return out;
}

}  // namespace

Graph parse_graph(std::string_view text) { return Builder(text).build(Reader(text).read_all()); }

std::vector<Shape> graph_shapes(const Graph& graph, const std::map<std::string, Shape>& inputs) {
  std::vector<Shape> s;
  s.reserve(graph.nodes.size());
  for (const GraphNode& n : graph.nodes) {
    const Shape* a = n.args.empty() ? nullptr : &s[static_cast<std::size_t>(n.args[0])];
    const Shape* b = n.args.size() < 2 ? nullptr : &s[static_cast<std::size_t>(n.args[1])];
    switch (n.primitive) {
      case Primitive::input: {
        auto it = inputs.find(n.symbol);
        if (it == inputs.end()) refuse("\"" + n.symbol + "\"", "the name of an input of the case, or a let-bound name");
        s.push_back(it->second);
        break;
      }
      case Primitive::constant:
        s.push_back({});
        break;
      case Primitive::add: case Primitive::sub: case Primitive::mul: case Primitive::div: case Primitive::max:
      case Primitive::min:
        s.push_back(broadcast_shape(n, *a, *b));
        break;
      case Primitive::sum: case Primitive::amax:
        if (n.integer < 0) {
          s.push_back({});
        } else {
          if (a->size() != 2) refuse_shapes(n, shape_text(*a), "a 2-D argument for a reduction along an axis");
          Shape out = *a;
          out[static_cast<std::size_t>(n.integer)] = 1;
          s.push_back(out);
        }
        if (n.primitive == Primitive::amax && element_count(*a) == 0)
          refuse_shapes(n, shape_text(*a), "a non-empty argument (the maximum of nothing)");
        break;
      case Primitive::mean:
        if (element_count(*a) == 0) refuse_shapes(n, shape_text(*a), "a non-empty argument (the mean of nothing)");
        s.push_back({});
        break;
      case Primitive::matmul:
        if (a->size() != 2 || b->size() != 2 || (*a)[1] != (*b)[0])
          refuse_shapes(n, shape_text(*a) + " and " + shape_text(*b), "[m, k] and [k, n]");
        s.push_back({(*a)[0], (*b)[1]});
        break;
      case Primitive::transpose:
        if (a->size() != 2) refuse_shapes(n, shape_text(*a), "a 2-D argument");
        s.push_back({(*a)[1], (*a)[0]});
        break;
      case Primitive::pick:
        if (a->size() != 2 || !(*b == Shape{(*a)[0]} || *b == Shape{(*a)[0], 1}))
          refuse_shapes(n, shape_text(*a) + " and " + shape_text(*b), "z [N, C] and class indices t [N] or [N, 1]");
        s.push_back({(*a)[0], 1});
        break;
      default:  // elementwise, one argument
        s.push_back(*a);
    }
  }
  if (!s.back().empty())
    refuse("\"" + graph.nodes.back().text + "\" of shape " + shape_text(s.back()),
           "a scalar-valued expression (reduce it with sum or mean)");
  return s;
}

namespace detail {

std::vector<std::int64_t> broadcast_indices(const Shape& out, const Shape& in) {
  const std::int64_t n = element_count(out);
  std::vector<std::int64_t> idx(static_cast<std::size_t>(n), 0);
  if (in.empty()) return idx;
  if (in == out) {
    for (std::int64_t i = 0; i < n; ++i) idx[static_cast<std::size_t>(i)] = i;
    return idx;
  }
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t rest = i, offset = 0, stride = 1;
    for (std::size_t d = out.size(); d-- > 0;) {
      const std::int64_t k = rest % out[d];
      rest /= out[d];
      if (in[d] != 1) offset += k * stride;
      stride *= in[d];
    }
    idx[static_cast<std::size_t>(i)] = offset;
  }
  return idx;
}

}  // namespace detail

#define GRADREF_GRAPH_INSTANTIATE(T)                                                           \
  template std::vector<Array<T>> graph_forward<T>(const Graph&, const GraphInputs<T>&);          \
  template GraphResult<T> graph_gradient<T>(const Graph&, const GraphInputs<T>&, GraphFault);

GRADREF_GRAPH_INSTANTIATE(Real)
GRADREF_GRAPH_INSTANTIATE(Tracked)
GRADREF_GRAPH_INSTANTIATE(float)
GRADREF_GRAPH_INSTANTIATE(double)
template std::vector<Array<Dual<Real>>> graph_forward<Dual<Real>>(const Graph&, const GraphInputs<Dual<Real>>&);

#undef GRADREF_GRAPH_INSTANTIATE

}  // namespace gradref::reference
