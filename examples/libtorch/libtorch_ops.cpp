// libtorch's C++ API run on gradref golden cases: torch::optim's update rules
// (one step per gradient row, from the case's parameter and state) and
// torch::nn::functional's losses (forward, then backward through autograd).
//
// The only translation unit that includes torch: its headers dominate the build
// (11 s of CPU at -O1), so the JSON and the exact checks stay in main.cpp and
// discrepancies.cpp.
#include "libtorch_case.hpp"

#include <torch/nn/functional/loss.h>
#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>
#include <torch/version.h>

#include <ATen/Parallel.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <utility>
#include <variant>

namespace gradref_libtorch {
namespace {

namespace F = torch::nn::functional;

torch::Dtype scalar_type(Dtype dtype) {
  return dtype == Dtype::float32 ? torch::kFloat32 : torch::kFloat64;
}

// The array's values are exact in double and in the dtype, so both conversions are exact.
torch::Tensor to_tensor(const Array& a, torch::Dtype type) {
  auto values = a.data;
  const auto n = static_cast<std::int64_t>(values.size());
  return torch::from_blob(values.data(), {n}, torch::kFloat64).clone().reshape(a.shape).to(type);
}

Array to_array(const torch::Tensor& t) {
  const auto values = t.detach().to(torch::kFloat64).contiguous();
  const auto* first = values.data_ptr<double>();
  return {t.sizes().vec(), std::vector<double>(first, first + values.numel())};
}

Array integer_array(std::int64_t value) { return {{}, {static_cast<double>(value)}}; }

double number(const Case& c, const std::string& field) { return c.spec.numbers.at(field); }
bool flag(const Case& c, const std::string& field) { return number(c, field) != 0; }

/// A spec field's value that libtorch has hard-wired, with why.
struct Fixed {
  std::string field;
  std::variant<double, std::string> value;
  std::string why;
};

/// The shortest of %.15g and %.17g that reads back as the value.
std::string decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  if (std::strtod(text, nullptr) != value) std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

/// Why libtorch cannot express the case: the first field off its fixed value, or "".
std::string unsupported(const Case& c, const std::vector<Fixed>& fixed) {
  for (const auto& f : fixed) {
    if (const auto* wanted = std::get_if<double>(&f.value)) {
      const auto given = c.spec.numbers.find(f.field);
      if (given != c.spec.numbers.end() && given->second != *wanted) {
        return f.why + " (" + f.field + " = " + decimal(given->second) + ")";
      }
    } else {
      const auto& wanted_choice = std::get<std::string>(f.value);
      const auto given = c.spec.choices.find(f.field);
      if (given != c.spec.choices.end() && given->second != wanted_choice) {
        return f.why + " (" + f.field + " = " + given->second + ")";
      }
    }
  }
  return {};
}

Outcome skipped(std::string why) {
  Outcome o;
  o.skipped = std::move(why);
  return o;
}

const Fixed no_maximize{"maximize", 0.0, "libtorch 1.13's C++ optimizers have no maximize"};

// ---------------------------------------------------------------- update rules

/// The optimizer's per-parameter state, keyed as torch::optim keys it.
std::string state_key(const torch::Tensor& p) {
  return c10::guts::to_string(p.unsafeGetTensorImpl());
}

template <class State>
State& state_of(torch::optim::Optimizer& opt, const torch::Tensor& p) {
  return static_cast<State&>(*opt.state().at(state_key(p)));
}

/// Runs `opt` on `p` once per gradient row (grad is [steps, *param] or [*param]),
/// recording `read()` after every step.
Outcome run_steps(const Case& c, torch::Dtype type, torch::optim::Optimizer& opt, torch::Tensor& p,
                  const std::function<Arrays()>& read) {
  const auto grads = to_tensor(c.inputs.at("grad"), type);
  const bool has_steps = grads.dim() == p.dim() + 1;
  const std::int64_t steps = has_steps ? grads.size(0) : 1;
  Outcome o;
  for (std::int64_t k = 0; k < steps; ++k) {
    p.mutable_grad() = has_steps ? grads[k].clone() : grads.clone();
    opt.step();
    o.trajectory.push_back(read());
  }
  o.outputs = o.trajectory.back();
  return o;
}

torch::Tensor parameter(const Case& c, torch::Dtype type) {
  return to_tensor(c.inputs.at("param"), type).requires_grad_(true);
}

torch::Tensor input_or_zeros(const Case& c, const std::string& name, const torch::Tensor& p) {
  const auto given = c.inputs.find(name);
  return given == c.inputs.end() ? torch::zeros_like(p) : to_tensor(given->second, p.scalar_type());
}

std::int64_t first_step(const Case& c) {
  return static_cast<std::int64_t>(c.inputs.at("step").data.at(0));
}

Outcome sgd(const Case& c, torch::Dtype type) {
  if (auto why = unsupported(c, {{"momentum_form", std::string("heavy_ball"), "libtorch's SGD has heavy-ball momentum only"},
                                 {"decay_style", std::string("coupled"), "libtorch's SGD has coupled weight decay only"},
                                 no_maximize});
      !why.empty()) {
    return skipped(why);
  }
  auto p = parameter(c, type);
  const double momentum = number(c, "momentum");
  torch::optim::SGD opt({p}, torch::optim::SGDOptions(number(c, "lr"))
                                 .momentum(momentum)
                                 .dampening(number(c, "dampening"))
                                 .nesterov(flag(c, "nesterov"))
                                 .weight_decay(number(c, "weight_decay")));
  // Before the first step libtorch has no buffer and sets b = g; gradref ignores the given one there.
  if (momentum != 0 && first_step(c) > 0) {
    auto state = std::make_unique<torch::optim::SGDParamState>();
    state->momentum_buffer(to_tensor(c.inputs.at("momentum_buffer"), type));
    opt.state()[state_key(p)] = std::move(state);
  }
  // libtorch's SGD counts no steps: `step` is left out (unchecked).
  return run_steps(c, type, opt, p, [&] {
    Arrays out{{"param", to_array(p)}};
    if (momentum != 0) {
      out["momentum_buffer"] = to_array(state_of<torch::optim::SGDParamState>(opt, p).momentum_buffer());
    }
    return out;
  });
}

std::vector<Fixed> adam_fixed() {
  return {{"eps_placement", std::string("outside"), "libtorch's Adam and AdamW add eps outside the root"},
          {"bias_correction", 1.0, "libtorch's Adam and AdamW always correct the bias"},
          {"eps_root", 0.0, "libtorch's Adam and AdamW have no eps_root"},
          {"amsgrad_max", std::string("v"), "libtorch's Adam and AdamW take AMSGrad's max over v"},
          {"bias_correction_step", std::string("current"), "libtorch's Adam and AdamW correct with the current step"},
          no_maximize};
}

/// Adam and AdamW share their state and its reading.
template <class Optimizer, class Options, class State>
Outcome adam_like(const Case& c, torch::Dtype type, Options options) {
  auto p = parameter(c, type);
  const bool amsgrad = flag(c, "amsgrad");
  Optimizer opt({p}, options.betas({number(c, "beta1"), number(c, "beta2")})
                         .eps(number(c, "eps"))
                         .weight_decay(number(c, "weight_decay"))
                         .amsgrad(amsgrad));
  auto state = std::make_unique<State>();
  state->step(first_step(c));
  state->exp_avg(to_tensor(c.inputs.at("exp_avg"), type));
  state->exp_avg_sq(to_tensor(c.inputs.at("exp_avg_sq"), type));
  if (amsgrad) state->max_exp_avg_sq(input_or_zeros(c, "max_exp_avg_sq", p));
  opt.state()[state_key(p)] = std::move(state);
  return run_steps(c, type, opt, p, [&] {
    const auto& s = state_of<State>(opt, p);
    Arrays out{{"param", to_array(p)},
               {"exp_avg", to_array(s.exp_avg())},
               {"exp_avg_sq", to_array(s.exp_avg_sq())},
               {"step", integer_array(s.step())}};
    if (amsgrad) out["max_exp_avg_sq"] = to_array(s.max_exp_avg_sq());
    return out;
  });
}

Outcome adam(const Case& c, torch::Dtype type) {
  auto fixed = adam_fixed();
  fixed.push_back({"decoupled_weight_decay", 0.0, "libtorch's Adam has coupled weight decay only (AdamW is apart)"});
  if (auto why = unsupported(c, fixed); !why.empty()) return skipped(why);
  return adam_like<torch::optim::Adam, torch::optim::AdamOptions, torch::optim::AdamParamState>(
      c, type, torch::optim::AdamOptions(number(c, "lr")));
}

Outcome adamw(const Case& c, torch::Dtype type) {
  auto fixed = adam_fixed();
  fixed.push_back({"decay_style", std::string("lr_scaled"), "libtorch's AdamW scales the decay by lr"});
  fixed.push_back({"schedule_multiplier", 1.0, "libtorch's AdamW has no schedule multiplier"});
  fixed.push_back({"coupled_weight_decay", 0.0, "libtorch's AdamW has no coupled decay"});
  if (auto why = unsupported(c, fixed); !why.empty()) return skipped(why);
  return adam_like<torch::optim::AdamW, torch::optim::AdamWOptions, torch::optim::AdamWParamState>(
      c, type, torch::optim::AdamWOptions(number(c, "lr")));
}

Outcome adagrad(const Case& c, torch::Dtype type) {
  if (auto why = unsupported(c, {{"eps_placement", std::string("outside"), "libtorch's Adagrad adds eps outside the root"},
                                 {"zero_guard", 0.0, "libtorch's Adagrad has no zero guard"},
                                 {"decay_style", std::string("coupled"), "libtorch's Adagrad has coupled weight decay only"},
                                 no_maximize});
      !why.empty()) {
    return skipped(why);
  }
  auto p = parameter(c, type);
  torch::optim::Adagrad opt({p}, torch::optim::AdagradOptions(number(c, "lr"))
                                     .lr_decay(number(c, "lr_decay"))
                                     .eps(number(c, "eps"))
                                     .weight_decay(number(c, "weight_decay"))
                                     .initial_accumulator_value(number(c, "initial_accumulator_value")));
  // libtorch's Adagrad creates its state in the constructor: overwrite it with the case's.
  auto& state = state_of<torch::optim::AdagradParamState>(opt, p);
  state.sum(to_tensor(c.inputs.at("sum"), type));
  state.step(first_step(c));
  return run_steps(c, type, opt, p, [&] {
    const auto& s = state_of<torch::optim::AdagradParamState>(opt, p);
    return Arrays{{"param", to_array(p)}, {"sum", to_array(s.sum())}, {"step", integer_array(s.step())}};
  });
}

Outcome rmsprop(const Case& c, torch::Dtype type) {
  if (auto why = unsupported(c, {{"eps_placement", std::string("outside"), "libtorch's RMSprop adds eps outside the root"},
                                 {"momentum_form", std::string("heavy_ball"), "libtorch's RMSprop has heavy-ball momentum only"},
                                 {"nesterov", 0.0, "libtorch's RMSprop has no Nesterov momentum"},
                                 {"bias_correction", 0.0, "libtorch's RMSprop has no bias correction"},
                                 {"decay_style", std::string("coupled"), "libtorch's RMSprop has coupled weight decay only"},
                                 no_maximize});
      !why.empty()) {
    return skipped(why);
  }
  auto p = parameter(c, type);
  const bool centered = flag(c, "centered");
  const bool momentum = number(c, "momentum") > 0;
  torch::optim::RMSprop opt({p}, torch::optim::RMSpropOptions(number(c, "lr"))
                                     .alpha(number(c, "rho"))
                                     .eps(number(c, "eps"))
                                     .weight_decay(number(c, "weight_decay"))
                                     .momentum(number(c, "momentum"))
                                     .centered(centered));
  auto state = std::make_unique<torch::optim::RMSpropParamState>();
  state->step(first_step(c));
  state->square_avg(to_tensor(c.inputs.at("square_avg"), type));
  if (centered) state->grad_avg(input_or_zeros(c, "grad_avg", p));
  if (momentum) state->momentum_buffer(input_or_zeros(c, "momentum_buffer", p));
  opt.state()[state_key(p)] = std::move(state);
  return run_steps(c, type, opt, p, [&] {
    const auto& s = state_of<torch::optim::RMSpropParamState>(opt, p);
    Arrays out{{"param", to_array(p)}, {"square_avg", to_array(s.square_avg())}, {"step", integer_array(s.step())}};
    if (centered) out["grad_avg"] = to_array(s.grad_avg());
    if (momentum) out["momentum_buffer"] = to_array(s.momentum_buffer());
    return out;
  });
}

// ---------------------------------------------------------------- losses

/// A leaf the loss is differentiated with respect to.
torch::Tensor variable(const Case& c, const std::string& name, torch::Dtype type) {
  return to_tensor(c.inputs.at(name), type).requires_grad_(true);
}

/// An optional constant input (weights); undefined when absent, as libtorch's options expect.
torch::Tensor constant(const Case& c, const std::string& name, torch::Dtype type) {
  const auto given = c.inputs.find(name);
  return given == c.inputs.end() ? torch::Tensor() : to_tensor(given->second, type);
}

torch::Tensor indices(const Case& c, const std::string& name) {
  return to_tensor(c.inputs.at(name), torch::kFloat64).to(torch::kLong);
}

template <class Options>
Options reduced(Options options, const Case& c) {
  const auto& r = c.spec.choices.at("reduction");
  if (r == "mean") {
    options.reduction(torch::kMean);
  } else if (r == "sum") {
    options.reduction(torch::kSum);
  } else {
    options.reduction(torch::kNone);
  }
  return options;
}

/// The loss and the gradient of its sum with respect to each named leaf
/// (backward from ones, so reduction none adds no rounding).
Outcome differentiate(const torch::Tensor& loss, const std::vector<std::pair<std::string, torch::Tensor>>& leaves) {
  loss.backward(torch::ones_like(loss));
  Outcome o;
  o.outputs["loss"] = to_array(loss);
  for (const auto& [name, leaf] : leaves) {
    // An undefined gradient is autograd's zero (no path from the leaf to the loss).
    o.outputs[name] = to_array(leaf.grad().defined() ? leaf.grad() : torch::zeros_like(leaf));
  }
  return o;
}

Outcome mse(const Case& c, torch::Dtype type) {
  auto x = variable(c, "input", type), y = variable(c, "target", type);
  return differentiate(F::mse_loss(x, y, reduced(F::MSELossFuncOptions(), c)), {{"grad_input", x}, {"grad_target", y}});
}

Outcome l1(const Case& c, torch::Dtype type) {
  auto x = variable(c, "input", type), y = variable(c, "target", type);
  return differentiate(F::l1_loss(x, y, reduced(F::L1LossFuncOptions(), c)), {{"grad_input", x}, {"grad_target", y}});
}

Outcome huber(const Case& c, torch::Dtype type) {
  auto x = variable(c, "input", type), y = variable(c, "target", type);
  const auto options = reduced(F::HuberLossFuncOptions(), c).delta(number(c, "delta"));
  return differentiate(F::huber_loss(x, y, options), {{"grad_input", x}, {"grad_target", y}});
}

Outcome bce(const Case& c, torch::Dtype type) {
  if (auto why = unsupported(c, {{"clamp_log", 1.0, "libtorch's binary_cross_entropy clamps its logs"},
                                 {"log_floor", -100.0, "libtorch's binary_cross_entropy clamps its logs at -100"},
                                 {"clip_low", 0.0, "libtorch's binary_cross_entropy does not clip"},
                                 {"clip_high", 1.0, "libtorch's binary_cross_entropy does not clip"}});
      !why.empty()) {
    return skipped(why);
  }
  auto x = variable(c, "input", type), y = variable(c, "target", type);
  const auto options = reduced(F::BinaryCrossEntropyFuncOptions(), c).weight(constant(c, "weight", type));
  return differentiate(F::binary_cross_entropy(x, y, options), {{"grad_input", x}, {"grad_target", y}});
}

Outcome bce_with_logits(const Case& c, torch::Dtype type) {
  if (c.inputs.at("input").shape.empty() && c.inputs.count("pos_weight") != 0) {
    return skipped("libtorch 1.13 raises on a 0-dim input with pos_weight: binary_cross_entropy_with_logits adds "
                   "the [1]-shaped weighted term in place into the []-shaped loss (a libtorch bug)");
  }
  auto x = variable(c, "input", type), y = variable(c, "target", type);
  const auto options = reduced(F::BinaryCrossEntropyWithLogitsFuncOptions(), c)
                           .weight(constant(c, "weight", type))
                           .pos_weight(constant(c, "pos_weight", type));
  return differentiate(F::binary_cross_entropy_with_logits(x, y, options), {{"grad_input", x}, {"grad_target", y}});
}

Outcome cross_entropy(const Case& c, torch::Dtype type) {
  auto logits = variable(c, "logits", type);
  const auto options = reduced(F::CrossEntropyFuncOptions(), c)
                           .weight(constant(c, "weight", type))
                           .ignore_index(static_cast<std::int64_t>(number(c, "ignore_index")))
                           .label_smoothing(number(c, "label_smoothing"));
  if (c.spec.choices.at("target_type") == "indices") {
    return differentiate(F::cross_entropy(logits, indices(c, "target"), options), {{"grad_logits", logits}});
  }
  auto target = variable(c, "target", type);
  return differentiate(F::cross_entropy(logits, target, options), {{"grad_logits", logits}, {"grad_target", target}});
}

Outcome nll(const Case& c, torch::Dtype type) {
  auto x = variable(c, "input", type);
  const auto options = reduced(F::NLLLossFuncOptions(), c)
                           .weight(constant(c, "weight", type))
                           .ignore_index(static_cast<std::int64_t>(number(c, "ignore_index")));
  return differentiate(F::nll_loss(x, indices(c, "target"), options), {{"grad_input", x}});
}

Outcome kl_divergence(const Case& c, torch::Dtype type) {
  if (auto why = unsupported(c, {{"q_form", std::string("log"), "libtorch's kl_div takes log q as its input"},
                                 {"clip", 0.0, "libtorch's kl_div does not clip"}});
      !why.empty()) {
    return skipped(why);
  }
  F::KLDivFuncOptions options;
  const auto& r = c.spec.choices.at("reduction");
  if (r == "row") return skipped("libtorch's kl_div has no per-row reduction (reduction = row)");
  if (r == "batchmean") {
    options.reduction(torch::kBatchMean);
  } else {
    options = reduced(options, c);
  }
  options.log_target(c.spec.choices.at("p_form") == "log");
  auto p = variable(c, "p", type), q = variable(c, "q", type);
  return differentiate(F::kl_div(q, p, options), {{"grad_p", p}, {"grad_q", q}});
}

Outcome gaussian_nll(const Case&, torch::Dtype) {
  return skipped("libtorch 1.13's C++ API has no gaussian_nll_loss (torch.nn.functional's is Python code)");
}

struct Entry {
  Outcome (*run)(const Case&, torch::Dtype);
  const char* api;
};

const std::map<std::string, Entry>& entries() {
  static const std::map<std::string, Entry> table{
      {"sgd", {sgd, "torch::optim::SGD"}},
      {"adam", {adam, "torch::optim::Adam"}},
      {"adamw", {adamw, "torch::optim::AdamW"}},
      {"adagrad", {adagrad, "torch::optim::Adagrad"}},
      {"rmsprop", {rmsprop, "torch::optim::RMSprop"}},
      {"mse", {mse, "torch::nn::functional::mse_loss"}},
      {"l1", {l1, "torch::nn::functional::l1_loss"}},
      {"huber", {huber, "torch::nn::functional::huber_loss"}},
      {"bce", {bce, "torch::nn::functional::binary_cross_entropy"}},
      {"bce_with_logits", {bce_with_logits, "torch::nn::functional::binary_cross_entropy_with_logits"}},
      {"cross_entropy", {cross_entropy, "torch::nn::functional::cross_entropy"}},
      {"nll", {nll, "torch::nn::functional::nll_loss"}},
      {"kl_divergence", {kl_divergence, "torch::nn::functional::kl_div"}},
      {"gaussian_nll", {gaussian_nll, "none (no gaussian_nll_loss in the C++ API)"}},
  };
  return table;
}

/// Drops libtorch's warnings: kl_div's about reduction 'mean' (it divides by the
/// element count, which gradref's pytorch preset models) would repeat once per case.
struct QuietWarnings : c10::WarningHandler {
  void process(const c10::SourceLocation&, const std::string&, const bool) override {}
};

}  // namespace

Outcome run_libtorch(const Case& c, Dtype dtype) {
  static QuietWarnings quiet;
  static const bool configured = [] {
    at::set_num_threads(1);  // reductions sum in one order, the same on every machine
    c10::Warning::set_warning_handler(&quiet);
    return true;
  }();
  (void)configured;
  const auto entry = entries().find(c.op);
  if (entry == entries().end()) return skipped("no libtorch counterpart of " + c.op + " is wired in this check");
  return entry->second.run(c, scalar_type(dtype));
}

std::string libtorch_implementation(const std::string& op) {
  const auto entry = entries().find(op);
  return std::string("libtorch ") + TORCH_VERSION + " (C++ API) " + (entry == entries().end() ? "-" : entry->second.api);
}

}  // namespace gradref_libtorch
