// Catalog entry for softmax cross-entropy: index or probability targets, class
// weights, ignore_index, label smoothing, [N, C] or [N, C, d1..dk].
#include "cross_entropy_cases.hpp"
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/losses/cross_entropy.hpp"
#include "gradref/reference/losses/cross_entropy.hpp"

namespace gradref::catalog {
namespace {

using spec::CrossEntropy;
namespace cases = cross_entropy_cases;

CrossEntropy spec_of(const Case& c) { return spec_from_json<CrossEntropy>(c.spec, ""); }
bool index_targets(const CrossEntropy& s) { return s.target_type == spec::TargetType::indices; }

const Array<Real>* optional_input(const Case& c, const std::string& name) {
  const auto it = c.inputs.find(name);
  return it == c.inputs.end() ? nullptr : &it->second;
}

/// The reference on scalars T (Real, or Tracked for the error model); `convert`
/// turns an input into Array<T>.
template <class T, class Convert>
reference::CrossEntropyResult<T> evaluate(const Case& c, const Convert& convert) {
  const CrossEntropy s = spec_of(c);
  const Array<T> logits = convert(input(c, "logits"));
  const Array<Real>* weight_in = optional_input(c, "weight");
  const Array<T> weight = weight_in ? convert(*weight_in) : Array<T>();
  std::vector<std::int64_t> indices;
  Array<T> probabilities;
  reference::CrossEntropyTarget<T> target;
  if (index_targets(s)) {
    indices = integer_values(input(c, "target"), CrossEntropy::op, "target");
    target.indices = indices;
    target.index_shape = input(c, "target").shape();
  } else {
    probabilities = convert(input(c, "target"));
    target.probabilities = &probabilities;
  }
  return reference::cross_entropy(s, logits, target, weight_in ? &weight : nullptr);
}

NamedArrays<Real> run_reference(const Case& c) {
  auto r = evaluate<Real>(c, [](const Array<Real>& a) { return a; });
  NamedArrays<Real> out;
  out.emplace("loss", std::move(r.loss));
  out.emplace("grad_logits", std::move(r.grad_logits));
  if (r.grad_target.size() > 0) out.emplace("grad_target", std::move(r.grad_target));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  auto r = evaluate<Tracked>(c, [dtype](const Array<Real>& a) { return tracked(a, dtype); });
  NamedArrays<Real> out;
  out.emplace("loss", errors_of(r.loss));
  out.emplace("grad_logits", errors_of(r.grad_logits));
  if (r.grad_target.size() > 0) out.emplace("grad_target", errors_of(r.grad_target));
  return out;
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) {
  return with_dtype(dtype, [&c](auto zero) {
    using T = decltype(zero);
    const CrossEntropy s = spec_of(c);
    const bool indices = index_targets(s);
    const Array<Real>& logits_in = input(c, "logits");
    const Array<Real>& target_in = input(c, "target");
    const Array<Real>* weight_in = optional_input(c, "weight");
    const std::vector<T> logits = exact_values<T>(logits_in, CrossEntropy::op, "logits");
    const std::vector<std::int64_t> index_values =
        indices ? integer_values(target_in, CrossEntropy::op, "target") : std::vector<std::int64_t>();
    const std::vector<T> probabilities =
        indices ? std::vector<T>() : exact_values<T>(target_in, CrossEntropy::op, "target");
    const std::vector<T> weight = weight_in ? exact_values<T>(*weight_in, CrossEntropy::op, "weight") : std::vector<T>();

    const spec::ClassLayout l = spec::cross_entropy_layout(
        s, logits_in.shape(), target_in.shape(), weight_in ? &weight_in->shape() : nullptr);
    const Shape loss_shape = spec::reduced_loss_shape(s.reduction, l);
    std::vector<T> loss(static_cast<std::size_t>(element_count(loss_shape))), grad(logits.size()),
        grad_target(indices ? 0 : logits.size());
    fast::cross_entropy<T>(s, {logits, logits_in.shape(), index_values, probabilities, target_in.shape(), weight,
                               weight_in != nullptr},
                           {loss, grad, grad_target});
    NamedArrays<double> out;
    out.emplace("loss", widened<T>(loss_shape, loss));
    out.emplace("grad_logits", widened<T>(logits_in.shape(), grad));
    if (!indices) out.emplace("grad_target", widened<T>(logits_in.shape(), grad_target));
    return out;
  });
}

std::vector<InvalidCase> invalid_cases() {
  std::vector<InvalidCase> out;
  const auto with = [&out](std::string what, std::string field, auto change) {
    Case c = cases::base_case();
    change(c);
    out.push_back({std::move(what), std::move(c), std::move(field)});
  };
  with("unknown reduction", "reduction", [](Case& c) { c.spec["reduction"] = "average"; });
  with("label smoothing above 1", "label_smoothing", [](Case& c) { c.spec["label_smoothing"] = 1.5; });
  with("negative label smoothing", "label_smoothing", [](Case& c) { c.spec["label_smoothing"] = -0.1; });
  with("fractional ignore_index", "ignore_index", [](Case& c) { c.spec["ignore_index"] = 1.5; });
  with("class ignore_index with probability targets", "ignore_index", [](Case& c) {
    c.spec["target_type"] = "probabilities";
    c.spec["ignore_index"] = 0;
    c.inputs.insert_or_assign("target", gen::real_array({2, 3}, {1, 0, 0, 0, 0, 1}));
  });
  with("logits of rank 1", "logits.shape", [](Case& c) { c.inputs.insert_or_assign("logits", gen::real_array({3}, {1, 2, 3})); });
  with("empty batch", "logits.shape", [](Case& c) {
    c.inputs.insert_or_assign("logits", gen::real_array({0, 3}, {}));
    c.inputs.insert_or_assign("target", gen::real_array({0}, {}));
  });
  with("empty spatial extent", "logits.shape", [](Case& c) {
    c.inputs.insert_or_assign("logits", gen::real_array({2, 3, 0}, {}));
    c.inputs.insert_or_assign("target", gen::real_array({2, 0}, {}));
  });
  with("one target too many", "target.shape", [](Case& c) { c.inputs.insert_or_assign("target", gen::real_array({3}, {0, 1, 2})); });
  with("target of [N, C, d] logits without d", "target.shape", [](Case& c) {
    c.inputs.insert_or_assign("logits", gen::real_array({2, 3, 1}, {1, 2, 3, -1, 0, 1}));
  });
  with("probability target of the wrong shape", "target.shape", [](Case& c) {
    c.spec["target_type"] = "probabilities";
    c.inputs.insert_or_assign("target", gen::real_array({2, 2}, {1, 0, 0, 1}));
  });
  with("class index = C", "target[1]", [](Case& c) { c.inputs.insert_or_assign("target", gen::real_array({2}, {0, 3})); });
  with("negative class index", "target[0]", [](Case& c) { c.inputs.insert_or_assign("target", gen::real_array({2}, {-1, 0})); });
  with("fractional class index", "target[1]", [](Case& c) { c.inputs.insert_or_assign("target", gen::real_array({2}, {0, 0.5})); });
  with("probability above 1", "target[4]", [](Case& c) {
    c.spec["target_type"] = "probabilities";
    c.inputs.insert_or_assign("target", gen::real_array({2, 3}, {1, 0, 0, 0, 1.5, 0}));
  });
  with("negative probability", "target[0]", [](Case& c) {
    c.spec["target_type"] = "probabilities";
    c.inputs.insert_or_assign("target", gen::real_array({2, 3}, {-0.5, 1, 0, 0, 1, 0}));
  });
  with("infinite logit", "logits[2]", [](Case& c) {
    c.inputs.insert_or_assign("logits", gen::real_array({2, 3}, {1, 2, INFINITY, -1, 0, 1}));
  });
  with("weight of the wrong shape", "weight.shape", [](Case& c) { c.inputs.emplace("weight", gen::real_array({2}, {1, 1})); });
  with("negative weight", "weight[1]", [](Case& c) { c.inputs.emplace("weight", gen::real_array({3}, {1, -1, 1})); });
  with("every target ignored under the mean", "target", [](Case& c) {
    c.inputs.insert_or_assign("target", gen::real_array({2}, {-100, -100}));
  });
  with("every target of weight 0 under the mean", "target", [](Case& c) {
    c.inputs.emplace("weight", gen::real_array({3}, {0, 1, 0}));
  });
  return out;
}

}  // namespace

const Entry& cross_entropy_entry() {
  static const Entry entry{
      .name = CrossEntropy::op,
      .kind = "loss",
      .summary = "softmax cross-entropy on logits [N, C, d1..dk] with class-index or probability targets, class "
                 "weights, ignore_index and label smoothing; loss and its gradients",
      .doc = "losses/cross_entropy.md",
      .fields = fields_of<CrossEntropy>(),
      .presets = presets_of_spec<CrossEntropy>(),
      .inputs = {{"logits", "[N, C] or [N, C, d1, ..., dk]", "unnormalized log-probabilities, classes on axis 1"},
                 {"target", "[N, d1, ..., dk] or the logits' shape",
                  "class indices in [0, C) or ignore_index (target_type indices), or probabilities in [0, 1] "
                  "(target_type probabilities)"},
                 {"weight", "[C]", "class weights, finite and >= 0; absent: every weight 1", false, true}},
      .outputs = {{"loss", "[] or the target positions' shape [N, d1..dk] (reduction none)", "the reduced loss"},
                  {"grad_logits", "the logits' shape", "d(sum of loss) / d logits"},
                  {"grad_target", "the logits' shape", "d(sum of loss) / d target (probability targets only)", false,
                   true}},
      .make_spec = make_spec_json<CrossEntropy>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = cases::any,
      .derivative_generator = cases::moderate,
      .invalid_cases = invalid_cases,
      .wrong_variants = cases::wrong_variants(),
      .gradients = {{"loss", "logits", "grad_logits"}, {"loss", "target", "grad_target"}},
      .deviations = {{"an infinite logit (a -inf mask) is refused",
                      "PyTorch accepts -inf logits for masked classes; 0 * inf in the target mass would need a "
                      "convention of its own, so gradref asks for a finite large negative logit instead"},
                     {"a mean over targets of total weight 0 is refused",
                      "PyTorch returns nan (0/0); gradref names the problem instead"},
                     {"unbatched input [C] with target [] is not accepted",
                      "give it as a batch of one, [1, C] with target [1]: the values are the same"}},
  };
  return entry;
}

}  // namespace gradref::catalog
