#include "pointwise_loss.hpp"

#include <algorithm>

namespace gradref::catalog::pointwise {

std::vector<Port> input_ports() {
  return {{"input", "[*shape]", "predictions x, rank >= 1, at least one element"},
          {"target", "[*shape]", "targets y, shaped like input"}};
}

std::vector<Port> output_ports(const std::string& grad_input_doc) {
  return {{"loss", "[] or [*shape] (reduction none)", "the reduced loss"},
          {"grad_input", "[*shape]", grad_input_doc},
          {"grad_target", "[*shape]", "d(sum of loss) / d target = -grad_input"}};
}

std::vector<Gradient> gradients() { return {{"loss", "input", "grad_input"}, {"loss", "target", "grad_target"}}; }

rc::Gen<Shape> shapes() {
  return rc::gen::weightedOneOf<Shape>({
      {4, rc::gen::map(rc::gen::inRange<std::int64_t>(1, 40), [](std::int64_t n) { return Shape{n}; })},
      {2, rc::gen::map(rc::gen::inRange<std::int64_t>(40, 200), [](std::int64_t n) { return Shape{n}; })},
      // Beyond 512 elements the sum's pairwise tree over blocks of 64 is 3 levels deep.
      {1, rc::gen::map(rc::gen::inRange<std::int64_t>(500, 600), [](std::int64_t n) { return Shape{n}; })},
      {3, rc::gen::map(rc::gen::tuple(rc::gen::inRange<std::int64_t>(1, 20), rc::gen::inRange<std::int64_t>(1, 20)),
                       [](const std::tuple<std::int64_t, std::int64_t>& t) { return Shape{std::get<0>(t), std::get<1>(t)}; })},
      {1, rc::gen::container<Shape>(3, rc::gen::inRange<std::int64_t>(1, 9))},
  });
}

rc::Gen<std::string> reductions() { return rc::gen::element<std::string>("mean", "sum", "none"); }

rc::Gen<double> hard_values(Dtype dtype) {
  // Squares of differences of values up to `huge`, summed over up to 600
  // elements, stay far below the largest float (3.4e38) / double (1.8e308).
  return gen::hard(dtype, dtype == Dtype::float32 ? 1e15 : 1e150);
}

rc::Gen<Case> cases(const char* op, Dtype dtype, rc::Gen<Json> spec, rc::Gen<double> value, rc::Gen<Pairing> pairing,
                    rc::Gen<double> offset) {
  return rc::gen::exec([=] {
    const Shape shape = *shapes();
    const std::int64_t n = element_count(shape);
    const std::vector<double> x = *gen::values(n, value);
    std::vector<double> y = *gen::values(n, value);
    const Pairing p = *pairing;
    for (std::size_t i = 0; i < y.size(); ++i) {
      switch (p) {
        case Pairing::independent: break;
        case Pairing::some_ties:
          if (*rc::gen::arbitrary<bool>()) y[i] = x[i];
          break;
        case Pairing::all_ties: y[i] = x[i]; break;
        case Pairing::offset: {
          const double o = *offset;
          y[i] = gen::in_dtype(x[i] - (*rc::gen::arbitrary<bool>() ? o : -o), dtype);
          break;
        }
      }
    }
    Case c{op, *spec, {}};
    c.inputs.emplace("input", gen::real_array(shape, x));
    c.inputs.emplace("target", gen::real_array(shape, y));
    return c;
  });
}

Case base_case(const char* op, const Json& spec) {
  Case c{op, spec, {}};
  c.inputs.emplace("input", gen::real_array({2, 3}, {1, -2, 0.5, 3, 0, -1.25}));
  c.inputs.emplace("target", gen::real_array({2, 3}, {0, -2, 1.5, -1, 0.25, 4}));
  return c;
}

std::vector<InvalidCase> shared_invalid_cases(const char* op, const Json& spec) {
  std::vector<InvalidCase> out;
  Case c = base_case(op, spec);
  c.spec["reduction"] = "average";
  out.push_back({"unknown reduction", c, "reduction"});
  c = base_case(op, spec);
  c.spec["weight"] = 2;
  out.push_back({"unknown spec field", c, "weight"});
  c = base_case(op, spec);
  c.inputs.insert_or_assign("input", gen::real_array({}, {1}));
  c.inputs.insert_or_assign("target", gen::real_array({}, {2}));
  out.push_back({"input of rank 0", c, "input.shape"});
  c = base_case(op, spec);
  c.inputs.insert_or_assign("input", gen::real_array({0}, {}));
  c.inputs.insert_or_assign("target", gen::real_array({0}, {}));
  out.push_back({"no elements", c, "input.shape"});
  c = base_case(op, spec);
  c.inputs.insert_or_assign("input", gen::real_array({2, 0}, {}));
  c.inputs.insert_or_assign("target", gen::real_array({2, 0}, {}));
  out.push_back({"an extent of 0", c, "input.shape"});
  c = base_case(op, spec);
  c.inputs.insert_or_assign("target", gen::real_array({3, 2}, {0, -2, 1.5, -1, 0.25, 4}));
  out.push_back({"target transposed", c, "target.shape"});
  c = base_case(op, spec);
  c.inputs.insert_or_assign("target", gen::real_array({6}, {0, -2, 1.5, -1, 0.25, 4}));
  out.push_back({"target flattened (same element count)", c, "target.shape"});
  c = base_case(op, spec);
  c.inputs.insert_or_assign("target", gen::real_array({2, 2}, {0, -2, 1.5, -1}));
  out.push_back({"target too small", c, "target.shape"});
  c = base_case(op, spec);
  c.inputs.erase("target");
  out.push_back({"target missing", c, "inputs.target"});
  return out;
}

}  // namespace gradref::catalog::pointwise
