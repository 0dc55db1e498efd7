// Where libtorch 1.13 is expected to miss gradref's bounds, and why: read from
// libtorch's C++ optimizers (torch/csrc/api/src/optim/*.cpp, their options in
// /usr/include/torch/csrc/api/include/torch/optim/*.h) and the ATen kernels they
// and torch::nn::functional call. The kernels are the ones Python's torch calls,
// so the losses' entries match examples/pytorch/discrepancies.py; docs/validation.md
// has the full account.
//
// gradref's bound is the error of a kernel in gradref's order of operations.
// libtorch often evaluates the same function in another order; each entry below
// is such an order with the envelope its rounding stays within (K unit roundoffs
// of the dtype times the size of the terms libtorch adds), so that a larger error
// still fails.
#include "discrepancies.hpp"

#include <gradref/reference/real.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <sstream>

namespace gradref_libtorch {
namespace {

constexpr double K = 8;  // envelopes allow K unit roundoffs of the terms' size
constexpr double inf = std::numeric_limits<double>::infinity();

double unit_roundoff(Dtype d) { return d == Dtype::float32 ? 0x1p-24 : 0x1p-53; }
double smallest_normal(Dtype d) { return d == Dtype::float32 ? 0x1p-126 : 0x1p-1022; }
double smallest_subnormal(Dtype d) { return d == Dtype::float32 ? 0x1p-149 : 0x1p-1074; }

/// The spacing of the dtype's values at x.
double ulp(double x, Dtype d) {
  const int precision = d == Dtype::float32 ? 24 : 53;
  const int min_exponent = d == Dtype::float32 ? -126 : -1022;
  if (x == 0 || !std::isfinite(x)) return smallest_subnormal(d);
  return std::ldexp(1.0, std::max(std::ilogb(x), min_exponent) - precision + 1);
}

/// One element beyond its bound, with what the conditions need to know about it.
struct Element {
  const Case& c;
  Dtype dtype;
  const std::string& output;
  std::size_t index;
  double exact;  // rounded to double
  double error;  // |libtorch - exact|, rounded up to double; inf where libtorch's value is not finite

  const std::vector<double>& input(const std::string& name) const { return c.inputs.at(name).data; }
  double at(const std::string& name) const { return input(name).at(index); }
  bool has(const std::string& name) const { return c.inputs.count(name) != 0; }
  double spec(const std::string& field) const { return c.spec.numbers.at(field); }
  const std::string& choice(const std::string& field) const { return c.spec.choices.at(field); }
  double u() const { return unit_roundoff(dtype); }
  bool within(double envelope) const { return error <= envelope; }
};

struct Discrepancy {
  std::string name;
  std::vector<std::string> ops;
  std::vector<std::string> outputs;
  std::function<bool(const Element&)> holds;
  std::string explanation;

  bool applies(const Element& e) const {
    return std::find(ops.begin(), ops.end(), e.c.op) != ops.end() &&
           std::find(outputs.begin(), outputs.end(), e.output) != outputs.end() && holds(e);
  }
};

double mean_divisor(const Element& e, double count) {
  return e.choice("reduction") == "mean" ? count : 1;
}

bool addcdiv_underflow(const Element& e) {
  const auto& grad = e.c.inputs.at("grad").shape;
  const auto& param = e.c.inputs.at("param").shape;
  const double steps = grad.size() > param.size() ? static_cast<double>(grad.front()) : 1;
  // value * t1 rounded on the subnormal grid (half a spacing per step), then divided
  // by a denominator of at least eps.
  return e.within(steps * smallest_subnormal(e.dtype) / e.spec("eps"));
}

bool bce_log_clamped(const Element& e) {
  const double p = e.at("input");
  return p == 0 || p == 1 || std::log(p) < e.spec("log_floor");
}

bool bce_denominator_floored(const Element& e) {
  const long double p = e.at("input");
  return p * (1 - p) < 1e-12L || bce_log_clamped(e);
}

bool bce_backward_order(const Element& e) {
  // grad (p - y) / max((1 - p) p, 1e-12), times w, divided by N: about 7 roundings.
  return e.within(K * e.u() * std::abs(e.exact));
}

bool bce_with_logits_terms(const Element& e) {
  const auto& x = e.input("input");
  const auto& y = e.input("target");
  const auto n = x.size();
  const std::vector<double> ones(n, 1.0);
  const auto& w = e.has("weight") ? e.input("weight") : ones;
  const auto& pw = e.has("pos_weight") ? e.input("pos_weight") : std::vector<double>{1.0};
  // The terms libtorch adds: (1 - y) x and (1 + (pw - 1) y) softplus(-x), times w.
  const auto size = [&](std::size_t i) {
    return std::abs(w[i]) * (1 + std::abs(x[i])) * (1 + std::abs(pw[i % pw.size()])) * (1 + std::abs(y[i]));
  };
  double scale = 0;
  if (e.output == "loss" && e.choice("reduction") != "none") {
    for (std::size_t i = 0; i < n; ++i) scale += size(i);
  } else {
    scale = size(e.index);
  }
  return e.within(K * e.u() * scale / mean_divisor(e, static_cast<double>(n)));
}

bool softmax_terms(const Element& e) {
  const auto& logits = e.input("logits");
  const auto classes = e.c.inputs.at("logits").shape.at(1);
  const double positions = static_cast<double>(logits.size()) / static_cast<double>(classes);
  const auto [low, high] = std::minmax_element(logits.begin(), logits.end());
  const double spread = *high - *low + std::log(static_cast<double>(classes));  // bounds |log p|
  const std::vector<double> ones(static_cast<std::size_t>(classes), 1.0);
  const auto& weight = e.has("weight") ? e.input("weight") : ones;
  double divisor = 1;
  if (e.choice("reduction") == "mean") {
    if (e.choice("target_type") == "probabilities") {
      divisor = positions;
    } else {
      divisor = 0;
      for (double t : e.input("target")) {
        if (t != e.spec("ignore_index")) divisor += weight.at(static_cast<std::size_t>(t));
      }
    }
  }
  const double terms = e.output == "loss" && e.choice("reduction") != "none" ? positions : 1;
  const double max_weight = *std::max_element(weight.begin(), weight.end());
  return e.within(K * e.u() * max_weight * (1 + spread) * terms / divisor);
}

bool nll_reciprocal(const Element& e) {
  if (e.within(K * e.u() * std::abs(e.exact))) return true;
  if (e.choice("reduction") != "mean") return false;
  // 1 / total_weight overflows where the total weight of the counted targets is
  // below the reciprocal of the dtype's largest value (subnormal class weights).
  const auto& target = e.input("target");
  long double total = 0;
  for (double t : target) {
    if (t == e.spec("ignore_index")) continue;
    total += e.has("weight") ? e.input("weight").at(static_cast<std::size_t>(t)) : 1.0;
  }
  const long double largest = e.dtype == Dtype::float32 ? std::numeric_limits<float>::max()
                                                        : std::numeric_limits<double>::max();
  return total * largest < 1;
}

bool kl_target_tiny(const Element& e) {
  return e.choice("p_form") == "prob" && e.at("p") < smallest_normal(e.dtype);
}

bool kl_prob_terms(const Element& e) {
  if (e.choice("p_form") != "prob") return false;
  const double p = e.at("p"), q = e.at("q");
  const double n = static_cast<double>(e.input("p").size());
  const double rows = static_cast<double>(e.c.inputs.at("p").shape.at(0));
  const auto& reduction = e.choice("reduction");
  const double divisor = reduction == "mean" ? n : reduction == "batchmean" ? rows : 1;
  return e.within(K * e.u() * (std::abs(std::log(p)) + 1 + std::abs(q)) / divisor);
}

bool kl_log_target_terms(const Element& e) {
  if (e.choice("p_form") != "log") return false;
  const double p = e.at("p"), q = e.at("q");
  const double n = static_cast<double>(e.input("p").size());
  const double rows = static_cast<double>(e.c.inputs.at("p").shape.at(0));
  const auto& reduction = e.choice("reduction");
  const double divisor = reduction == "mean" ? n : reduction == "batchmean" ? rows : 1;
  return e.within(K * e.u() * std::exp(p) * (1 + std::abs(p - q)) / divisor);
}

const std::vector<Discrepancy>& discrepancies() {
  static const std::vector<Discrepancy> list{
      {"addcdiv-underflow", {"adam", "adamw", "adagrad", "rmsprop"}, {"param"}, addcdiv_underflow,
       "libtorch's Adam, AdamW, Adagrad and RMSprop (without momentum) step with p.addcdiv_(t1, t2, value), "
       "and ATen's addcdiv kernel computes self + value * t1 / t2 from left to right: value * t1 is "
       "rounded first, on the subnormal grid where it falls below the smallest normal, and the division "
       "by a denominator of at least eps magnifies that absolute error (at most one subnormal spacing / "
       "eps per step). gradref divides first."},
      {"bce-backward-epsilon", {"bce"}, {"grad_input"}, bce_denominator_floored,
       "ATen's binary_cross_entropy_backward returns w (p - y) / max(p (1 - p), 1e-12): wherever "
       "p (1 - p) < 1e-12 the gradient is floored, not the derivative of the loss, and where a log is "
       "clamped at -100 it is not the derivative of the clamped forward either (gradref's documented "
       "bce deviation)."},
      {"bce-backward-order", {"bce"}, {"grad_input"}, bce_backward_order,
       "ATen's binary_cross_entropy_backward evaluates grad (p - y) / max((1 - p) p, 1e-12), then multiplies "
       "by w and divides by N, each step rounded: a few u of the result, where gradref's bound is its own, "
       "shorter, order's."},
      {"bce-target-gradient-unclamped", {"bce"}, {"grad_target"}, bce_log_clamped,
       "ATen's target gradient of binary_cross_entropy is w (log(1 - p) - log p), unclamped: -inf or inf "
       "at p = 0 or 1 (nan with w = 0) and beyond -100 where a log is clamped; gradref differentiates the "
       "clamped forward."},
      {"bce-with-logits-formula", {"bce_with_logits"}, {"loss", "grad_input", "grad_target"}, bce_with_logits_terms,
       "ATen evaluates the loss as (1 - y) x + (1 + (pw - 1) y) (log(exp(-m) + exp(-x - m)) + m), "
       "m = max(-x, 0), and the gradient as ((pw y + 1 - y) sigmoid(x) - pw y) w: terms as large as |x| "
       "and pw cancel, so its error is a few u times w (1 + |x|)(1 + pw), absolute, where the result is "
       "small (log, not log1p, loses a loss below u entirely)."},
      {"log-softmax-through-exp", {"cross_entropy"}, {"loss", "grad_logits", "grad_target"}, softmax_terms,
       "ATen computes log_softmax as x - max - log(sum exp(x - max)) and its backward as "
       "g - exp(log_softmax) sum(g): each probability is exp of a rounded log-probability, so its relative "
       "error grows with |log p|, and a gradient close to 0 (p close to 1) comes out of the cancellation "
       "1 - p with an absolute error of about u, not a relative one."},
      {"nll-backward-reciprocal", {"nll"}, {"grad_input"}, nll_reciprocal,
       "ATen's nll_loss backward forms -grad_output / total_weight once and multiplies each target's class "
       "weight by it: two roundings where gradref divides w by the total weight once (w / w = 1 comes out as "
       "1 - u/2), and where the total weight is below 1 / (the dtype's largest value), subnormal class "
       "weights, the reciprocal overflows and the gradient is -inf."},
      {"kl-div-xlogy-backward", {"kl_divergence"}, {"grad_p"}, kl_target_tiny,
       "libtorch 1.13's kl_div is composite, xlogy(p, p) - p log q, differentiated by autograd; xlogy's "
       "backward with respect to its second argument is grad * p / p: nan at p = 0 (gradref: the one-sided "
       "derivative -inf), and for a subnormal p the product underflows before the division."},
      {"kl-div-autograd-terms", {"kl_divergence"}, {"grad_p"}, kl_prob_terms,
       "Autograd forms the p gradient of xlogy(p, p) - p log q from three rounded terms, log p, p / p and "
       "-log q, each scaled by the incoming gradient (1 / N for 'mean', rounded), and adds them: a few u "
       "of |log p| + 1 + |log q|, absolute, where they cancel."},
      {"kl-div-log-target-terms", {"kl_divergence"}, {"grad_p"}, kl_log_target_terms,
       "With log_target, kl_div is exp(p) (p - q); autograd adds exp(p) (p - q) and exp(p) as two rounded "
       "products, which cancel where p - q is close to -1; gradref forms exp(p) (p - q + 1)."},
  };
  return list;
}

std::string describe(const std::string& output, std::size_t index, const std::string& exact, double candidate,
                     const std::string& bound, double ulps, double ratio) {
  std::ostringstream out;
  out << output << "[" << index << "]: exact " << exact << ", libtorch " << gradref::to_hex(candidate) << ", bound "
      << bound << ": " << ulps << " ulp, " << ratio << " x bound";
  return out.str();
}

}  // namespace

Verdict judge(const Case& c, Dtype dtype, const std::string& output, const GoldenOutput& golden,
              const Array& candidate) {
  Verdict v;
  if (candidate.data.size() != golden.exact.size()) {
    v.failing = 1;
    v.unexplained = output + ": libtorch gives " + std::to_string(candidate.data.size()) + " values, gradref " +
                    std::to_string(golden.exact.size());
    return v;
  }
  for (std::size_t i = 0; i < golden.exact.size(); ++i) {
    const double value = candidate.data[i];
    const gradref::Real exact = gradref::parse_real(golden.exact[i]);
    const gradref::Real bound = gradref::parse_real(golden.bound[i]);
    double error = 0;
    bool within = true;
    if (boost::multiprecision::isnan(exact)) {
      within = std::isnan(value);
    } else if (boost::multiprecision::isinf(exact)) {
      within = value == gradref::round_to_double(exact);
    } else if (!std::isfinite(value)) {
      within = false;
    } else {
      const gradref::Real difference = boost::multiprecision::abs(gradref::exact(value) - exact);
      within = difference <= bound;
      // Rounded up so that "error <= envelope" never excuses more than the exact error would.
      error = std::nextafter(gradref::round_to_double(difference), inf);
    }
    if (!within && error == 0) error = inf;
    const double scale = boost::multiprecision::isinf(exact) ? 0 : gradref::round_to_double(exact);
    const double ulps = error / ulp(std::abs(scale), dtype);
    const double bound_value = gradref::round_to_double(bound);
    const double ratio = bound_value > 0 ? error / bound_value : (error > 0 ? inf : 0);
    if (within) {
      v.worst_ulps = std::max(v.worst_ulps, ulps);
      v.worst_ratio = std::max(v.worst_ratio, std::min(ratio, 1.0));
      continue;
    }
    v.worst_ulps = std::max(v.worst_ulps, ulps);
    v.worst_ratio = std::max(v.worst_ratio, ratio);
    ++v.failing;
    const Element e{c, dtype, output, i, scale, error};
    const auto& list = discrepancies();
    const auto found = std::find_if(list.begin(), list.end(), [&](const Discrepancy& d) { return d.applies(e); });
    if (found != list.end()) {
      v.explained_by.insert(found->name);
    } else if (v.unexplained.empty()) {
      v.unexplained = describe(output, i, golden.exact[i], value, golden.bound[i], ulps, ratio);
    }
  }
  return v;
}

std::vector<std::pair<std::string, std::string>> expected_discrepancies() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& d : discrepancies()) out.emplace_back(d.name, d.explanation);
  return out;
}

}  // namespace gradref_libtorch
