// Catalog entry for softmax along an axis, with its vector-Jacobian product.
#include "gradref/fast/losses/softmax.hpp"
#include "softmax_family.hpp"

namespace gradref::catalog {
namespace {

using spec::Softmax;
namespace family = softmax_family;

struct SoftmaxOp {
  using Spec = Softmax;
  template <class T>
  static reference::SoftmaxResult<T> exact(const Spec& s, const Array<T>& input, const Array<T>& grad_output) {
    return reference::softmax(s, input, grad_output);
  }
  template <class T>
  static void kernel(const Spec& s, const Shape& shape, std::span<const T> input, std::span<const T> grad_output,
                     std::span<T> output, std::span<T> grad_input) {
    fast::softmax<T>(s, shape, input, grad_output, output, grad_input);
  }
};

rc::Gen<Case> generate(Dtype dtype) { return family::cases(Softmax::op, dtype, family::Draw::hard); }
rc::Gen<Case> generate_moderate(Dtype dtype) { return family::cases(Softmax::op, dtype, family::Draw::moderate); }
rc::Gen<Case> generate_large(Dtype dtype) { return family::cases(Softmax::op, dtype, family::Draw::large); }
rc::Gen<Case> generate_multi_axis(Dtype dtype) { return family::cases(Softmax::op, dtype, family::Draw::multi_axis); }

WrongVariant plain(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), family::Mistake mistake) {
  return {std::move(name), std::move(description), g,
          [mistake](const Case& c, Dtype dtype) { return family::plain_loop(c, dtype, false, mistake); }};
}

std::vector<WrongVariant> wrong_variants() {
  return {
      plain("no_max_shift", "exp(z) / sum exp(z) without subtracting the row max: overflows on large logits",
            generate_large, family::Mistake::no_max_shift),
      plain("vjp_without_sum_term", "grad_input = y * g: the VJP without the - y * sum(g * y) term", generate,
            family::Mistake::no_sum_term),
      {"wrong_dim", "the fast kernel normalizing along the next axis instead of dim", generate_multi_axis,
       [](const Case& c, Dtype dtype) { return family::run_fast<SoftmaxOp>(family::along_next_axis(c), dtype); }},
  };
}

}  // namespace

const Entry& softmax_entry() {
  static const Entry entry{
      .name = Softmax::op,
      .kind = "loss",
      .summary = "softmax along dim of an input of any rank; output and its VJP for a cotangent grad_output",
      .doc = "losses/softmax.md",
      .fields = fields_of<Softmax>(),
      .presets = presets_of_spec<Softmax>(),
      .inputs = {{"input", "[*]", "logits z (finite), rank >= 1"},
                 {"grad_output", "[*] (input's shape)", "the upstream cotangent g (finite)"}},
      .outputs = {{"output", "[*]", "softmax(z) along dim"},
                  {"grad_input", "[*]", "d(sum of grad_output * output) / d input = y * (g - sum_dim(g * y))"}},
      .make_spec = make_spec_json<Softmax>,
      .reference = family::run_reference<SoftmaxOp>,
      .fast = family::run_fast<SoftmaxOp>,
      .error_bound = family::run_error_model<SoftmaxOp>,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = [] { return family::invalid_cases(Softmax::op); },
      .wrong_variants = wrong_variants(),
      .gradients = {{"output", "input", "grad_input", "grad_output"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
