// Catalog entry for log-softmax along an axis, with its vector-Jacobian product.
#include "gradref/fast/losses/softmax.hpp"
#include "softmax_family.hpp"

namespace gradref::catalog {
namespace {

using spec::LogSoftmax;
namespace family = softmax_family;

struct LogSoftmaxOp {
  using Spec = LogSoftmax;
  template <class T>
  static reference::SoftmaxResult<T> exact(const Spec& s, const Array<T>& input, const Array<T>& grad_output) {
    return reference::log_softmax(s, input, grad_output);
  }
  template <class T>
  static void kernel(const Spec& s, const Shape& shape, std::span<const T> input, std::span<const T> grad_output,
                     std::span<T> output, std::span<T> grad_input) {
    fast::log_softmax<T>(s, shape, input, grad_output, output, grad_input);
  }
};

rc::Gen<Case> generate(Dtype dtype) { return family::cases(LogSoftmax::op, dtype, family::Draw::hard); }
rc::Gen<Case> generate_moderate(Dtype dtype) { return family::cases(LogSoftmax::op, dtype, family::Draw::moderate); }
rc::Gen<Case> generate_large(Dtype dtype) { return family::cases(LogSoftmax::op, dtype, family::Draw::large); }
rc::Gen<Case> generate_wide(Dtype dtype) { return family::cases(LogSoftmax::op, dtype, family::Draw::wide); }
rc::Gen<Case> generate_multi_axis(Dtype dtype) {
  return family::cases(LogSoftmax::op, dtype, family::Draw::multi_axis);
}

WrongVariant plain(std::string name, std::string description, rc::Gen<Case> (*g)(Dtype), family::Mistake mistake) {
  return {std::move(name), std::move(description), g,
          [mistake](const Case& c, Dtype dtype) { return family::plain_loop(c, dtype, true, mistake); }};
}

std::vector<WrongVariant> wrong_variants() {
  return {
      plain("no_max_shift", "z - log(sum exp(z)) without subtracting the row max: overflows on large logits",
            generate_large, family::Mistake::no_max_shift),
      plain("log_of_softmax", "log(exp(z - m) / S): -inf where the softmax underflows (an entry 2000 ahead)",
            generate_wide, family::Mistake::log_of_softmax),
      plain("vjp_without_sum_term", "grad_input = g: the VJP without the - softmax * sum(g) term", generate,
            family::Mistake::no_sum_term),
      {"wrong_dim", "the fast kernel normalizing along the next axis instead of dim", generate_multi_axis,
       [](const Case& c, Dtype dtype) { return family::run_fast<LogSoftmaxOp>(family::along_next_axis(c), dtype); }},
  };
}

}  // namespace

const Entry& log_softmax_entry() {
  static const Entry entry{
      .name = LogSoftmax::op,
      .kind = "loss",
      .summary = "log-softmax along dim of an input of any rank; output and its VJP for a cotangent grad_output",
      .doc = "losses/softmax.md",
      .fields = fields_of<LogSoftmax>(),
      .presets = presets_of_spec<LogSoftmax>(),
      .inputs = {{"input", "[*]", "logits z (finite), rank >= 1"},
                 {"grad_output", "[*] (input's shape)", "the upstream cotangent g (finite)"}},
      .outputs = {{"output", "[*]", "log_softmax(z) along dim"},
                  {"grad_input", "[*]", "d(sum of grad_output * output) / d input = g - softmax(z) * sum_dim(g)"}},
      .make_spec = make_spec_json<LogSoftmax>,
      .reference = family::run_reference<LogSoftmaxOp>,
      .fast = family::run_fast<LogSoftmaxOp>,
      .error_bound = family::run_error_model<LogSoftmaxOp>,
      .generator = generate,
      .derivative_generator = generate_moderate,
      .invalid_cases = [] { return family::invalid_cases(LogSoftmax::op); },
      .wrong_variants = wrong_variants(),
      .gradients = {{"output", "input", "grad_input", "grad_output"}},
      .deviations = {},
  };
  return entry;
}

}  // namespace gradref::catalog
