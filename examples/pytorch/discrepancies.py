# Where PyTorch 1.13 is expected to miss gradref's bounds, and why (read from
# /usr/lib/python3/dist-packages/torch/ and ATen's kernels; docs/validation.md has
# the full account). A failing element is "expected" when some discrepancy that
# names its check, path, dtype and output holds for it; a check whose failures are
# all expected passes the script.
#
# gradref's bound is the error a kernel in gradref's order of operations may make.
# PyTorch often evaluates the same real function in another order; most entries
# below are such orders, each with the envelope that order's rounding stays within
# (a few unit roundoffs u of the dtype times the size of the terms PyTorch adds),
# so that an error beyond the envelope still fails.
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

UNIT_ROUNDOFF = {"float32": 2.0 ** -24, "float64": 2.0 ** -53}
SMALLEST_NORMAL = {"float32": 2.0 ** -126, "float64": 2.0 ** -1022}
SMALLEST_SUBNORMAL = {"float32": 2.0 ** -149, "float64": 2.0 ** -1074}
ENVELOPE_ROUNDINGS = 8  # K: the envelopes allow K unit roundoffs of the terms' size


@dataclass
class Element:
    """One failing element, with what the predicates need to know about it."""
    case: dict
    output: str
    index: int
    candidate: float
    exact: Fraction        # the exact value (finite: non-finite exact values never differ in rounding)
    error: Fraction        # |candidate - exact| (math.inf where the candidate is not finite)
    dtype: str

    def input(self, name):
        from golden_io import decode
        return [decode(v) for v in self.case["inputs"][name]["data"]]

    def at(self, name):
        """Input `name` at this element's position (inputs shaped like the output)."""
        return self.input(name)[self.index]

    @property
    def u(self):
        return UNIT_ROUNDOFF[self.dtype]

    def within(self, envelope: float) -> bool:
        return self.error != math.inf and self.error <= Fraction(envelope)


@dataclass
class Discrepancy:
    name: str
    checks: tuple           # Check names
    paths: tuple            # code paths, or ("*",)
    dtypes: tuple           # ("float32", "float64")
    outputs: tuple          # output names, or ("*",)
    holds: Callable         # Element -> bool
    explanation: str

    def applies(self, check, path, dtype, output) -> bool:
        return (check in self.checks and ("*" in self.paths or path in self.paths)
                and dtype in self.dtypes and ("*" in self.outputs or output in self.outputs))


def _reduction_divisor(element: Element, count: int) -> float:
    return count if element.case["spec"].get("reduction") == "mean" else 1


def _steps(element: Element) -> int:
    grad, param = element.case["inputs"]["grad"]["shape"], element.case["inputs"]["param"]["shape"]
    return grad[0] if len(grad) > len(param) else 1


def _step_underflow(element: Element) -> bool:
    # lr m / bc1 rounded in the subnormal range: at most half a subnormal spacing per
    # step, then divided by a denominator of at least eps (times sqrt(bc2) <= 1 in RAdam).
    eps = element.case["spec"]["eps"]
    return element.within(_steps(element) * SMALLEST_SUBNORMAL[element.dtype] / eps)


def _bce_log_clamped(element: Element) -> bool:
    p = element.at("input")
    return p == 1 or p == 0 or math.log(p) < element.case["spec"]["log_floor"]


def _bce_denominator_floored(element: Element) -> bool:
    p = Fraction(element.at("input"))
    return p * (1 - p) < Fraction(1e-12) or _bce_log_clamped(element)


def _bce_with_logits_terms(element: Element) -> bool:
    x, y = element.input("input"), element.input("target")
    n = len(x)
    w = element.input("weight") if "weight" in element.case["inputs"] else [1.0] * n
    pw = element.input("pos_weight") if "pos_weight" in element.case["inputs"] else [1.0]

    def size(i):  # the terms PyTorch adds: (1 - y) x and (1 + (pw - 1) y) (softplus(-x)), times w
        return abs(w[i]) * (1 + abs(x[i])) * (1 + abs(pw[i % len(pw)])) * (1 + abs(y[i]))
    if element.output == "loss" and element.case["spec"]["reduction"] != "none":
        scale = sum(size(i) for i in range(n))
    else:
        scale = size(element.index)
    return element.within(ENVELOPE_ROUNDINGS * element.u * scale / _reduction_divisor(element, n))


def _softmax_terms(element: Element) -> bool:
    spec, inputs = element.case["spec"], element.case["inputs"]
    logits, shape = element.input("logits"), inputs["logits"]["shape"]
    classes = shape[1]
    positions = len(logits) // classes
    spread = max(logits) - min(logits) + math.log(classes)  # bounds |log p| of every class
    weight = element.input("weight") if "weight" in inputs else [1.0] * classes
    divisor = 1.0
    if spec["reduction"] == "mean":
        if spec["target_type"] == "probabilities":
            divisor = positions
        else:
            divisor = sum(weight[t] for t in element.input("target") if t != spec["ignore_index"])
    terms = positions if element.output == "loss" and spec["reduction"] != "none" else 1
    return element.within(ENVELOPE_ROUNDINGS * element.u * max(weight) * (1 + spread) * terms / divisor)


def _mean_weight_reciprocal_overflows(element: Element) -> bool:
    spec, inputs = element.case["spec"], element.case["inputs"]
    if spec["reduction"] != "mean" or "weight" not in inputs:
        return False
    weight = element.input("weight")
    total = sum(Fraction(weight[t]) for t in element.input("target") if t != spec["ignore_index"])
    largest = {"float32": Fraction(2) ** 128, "float64": Fraction(2) ** 1024}[element.dtype]
    return total != 0 and 1 / total >= largest * (1 - Fraction(2) ** -25)  # 1 / total rounds to inf


def _kl_target_tiny(element: Element) -> bool:
    return element.at("p") < SMALLEST_NORMAL[element.dtype]


def _kl_autograd_terms(element: Element) -> bool:
    p, q = element.at("p"), element.at("q")
    n, rows = len(element.input("p")), element.case["inputs"]["p"]["shape"][0]
    divisor = {"mean": n, "batchmean": rows}.get(element.case["spec"]["reduction"], 1)
    size = (abs(math.log(p)) if p > 0 else 0) + 1 + abs(q)
    return element.within(ENVELOPE_ROUNDINGS * element.u * size / divisor)


def _kl_log_target_terms(element: Element) -> bool:
    p, q = element.at("p"), element.at("q")
    n, rows = len(element.input("p")), element.case["inputs"]["p"]["shape"][0]
    divisor = {"mean": n, "batchmean": rows}.get(element.case["spec"]["reduction"], 1)
    return element.within(ENVELOPE_ROUNDINGS * element.u * math.exp(p) * (1 + abs(p - q)) / divisor)


def _gaussian_grad_var_terms(element: Element) -> bool:
    x, y, var = element.at("input"), element.at("target"), element.at("var")
    v = max(var, element.case["spec"]["eps"])
    n = len(element.input("input"))
    size = 0.5 * (1 / v + (x - y) ** 2 / v ** 2)
    return element.within(ENVELOPE_ROUNDINGS * element.u * size / _reduction_divisor(element, n))


def _within_ulps(limit):
    def holds(element: Element) -> bool:
        from exact_check import ulp
        return element.error != math.inf and element.error <= limit * ulp(element.exact, element.dtype)
    return holds


BOTH = ("float32", "float64")

DISCREPANCIES_1_13 = [
    Discrepancy(
        "step-underflow", ("adam", "adam_amsgrad", "adamw", "adamax", "radam"), ("*",), BOTH, ("param",),
        _step_underflow,
        "ATen's addcdiv kernel computes self + value * t1 / t2 from left to right, so Adam's, AdamW's "
        "and Adamax's step multiplies -lr/bc1 by m first and divides by the denominator second "
        "(RAdam's forms ((m / bc1) lr) adaptive_lr rect, adaptive_lr = sqrt(bc2) / (sqrt(v) + eps)); "
        "where that product of m falls below the smallest normal it is rounded to the subnormal grid, "
        "and the division by a denominator of at least eps magnifies the absolute error (at most a "
        "subnormal spacing / eps per step). gradref divides first. Only tiny m (|m| lr below about "
        "1e-38 in float32, 1e-308 in float64) is affected."),
    Discrepancy(
        "nadam-extra-mu", ("nadam",), ("single_tensor",), BOTH, ("*",), lambda element: True,
        "1.13's _single_tensor_nadam forms mu_product_next = mu_product * mu * mu_next after "
        "mu_product *= mu, i.e. with mu twice: the coefficient of exp_avg is "
        "lr mu_next / (1 - mu_1...mu_t mu_t mu_(t+1)) instead of lr mu_next / (1 - mu_1...mu_(t+1)). "
        "Wrong in every step; the foreach path (_multi_tensor_nadam) has the right product, "
        "and PyTorch 2.x fixed the single-tensor one."),
    Discrepancy(
        "bce-backward-epsilon", ("bce",), ("*",), BOTH, ("grad_input",), _bce_denominator_floored,
        "PyTorch's binary_cross_entropy_backward returns w (p - y) / max(p (1 - p), EPSILON), "
        "EPSILON = 1e-12: wherever p (1 - p) < 1e-12 (p below about 1e-12, or p = 1) the gradient "
        "is floored, not the derivative of the loss (at p = 1e-30 and y = 0: 1e-18 instead of 1), "
        "and where a log is clamped at -100 it is not the derivative of the clamped forward either "
        "(gradref's documented bce deviation)."),
    Discrepancy(
        "bce-backward-order", ("bce",), ("*",), BOTH, ("grad_input",), _within_ulps(4),
        "Elsewhere the same formula rounds p - y, p (1 - p), the quotient and the products by w and "
        "the incoming gradient one by one: a few ulps, where gradref's order stays within a tighter "
        "bound."),
    Discrepancy(
        "bce-target-gradient-unclamped", ("bce",), ("*",), BOTH, ("grad_target",), _bce_log_clamped,
        "PyTorch's target gradient is w (log(1 - p) - log p), unclamped: -inf or inf at p = 0 or 1 "
        "(nan with w = 0), and beyond -100 where a log is clamped; gradref differentiates the clamped "
        "forward (w (max(log(1 - p), -100) - max(log p, -100)))."),
    Discrepancy(
        "bce-with-logits-formula", ("bce_with_logits",), ("*",), BOTH, ("loss", "grad_input", "grad_target"),
        _bce_with_logits_terms,
        "PyTorch evaluates the loss as (1 - y) x + (1 + (pw - 1) y) (log(exp(-m) + exp(-x - m)) + m), "
        "m = max(-x, 0), and the gradient as ((pw y + 1 - y) sigmoid(x) - pw y) w: terms as large as "
        "|x| and pw cancel, so its error is a few u times w (1 + |x|)(1 + pw), absolute, where the "
        "result is small (large |x|, sigmoid(x) close to y, (pw - 1) y + 1 rounding to 0 for a tiny pw)."),
    Discrepancy(
        "log-softmax-through-exp", ("cross_entropy", "cross_entropy_none", "cross_entropy_probabilities"),
        ("*",), BOTH, ("loss", "grad_logits", "grad_target"), _softmax_terms,
        "PyTorch computes log_softmax as x - max - log(sum exp(x - max)) and its backward as "
        "g - exp(log_softmax) sum(g): each probability is exp of a rounded log-probability, so its "
        "relative error grows with |log p| (up to the logits' spread), and a loss or gradient "
        "close to 0 (p close to 1) comes out of the cancellation 1 - p with an absolute error of "
        "about u, not a relative one."),
    Discrepancy(
        "nll-mean-reciprocal-overflow", ("nll", "cross_entropy", "cross_entropy_none"), ("*",), BOTH,
        ("grad_input", "grad_logits"), _mean_weight_reciprocal_overflows,
        "nll_loss_backward (LossNLL.cpp) forms grad_output / total_weight first and multiplies it "
        "by each target's class weight second; with subnormal class weights the total weight is "
        "below 1 / the largest float, the quotient overflows to inf and the gradient is -inf "
        "(gradref: -w / total_weight, finite). The loss itself divides once and is right."),
    Discrepancy(
        "kl-div-xlogy-backward", ("kl_div", "kl_div_batchmean"), ("*",), BOTH, ("grad_p",), _kl_target_tiny,
        "1.13's kl_div is composite: xlogy(p, p) - p log q, differentiated by autograd. xlogy's "
        "backward with respect to its second argument is grad * p / p: nan at p = 0 (gradref: the "
        "one-sided derivative -inf), and for a subnormal p the product grad * p underflows before "
        "the division."),
    Discrepancy(
        "kl-div-autograd-terms", ("kl_div", "kl_div_batchmean"), ("*",), BOTH, ("grad_p",), _kl_autograd_terms,
        "The same autograd graph gives the p gradient as g log p + g p / p - g log q, three rounded "
        "terms added (g = 1/n for 'mean'): an error of a few u times |log p| + 1 + |log q|, beyond "
        "gradref's bound where the terms cancel."),
    Discrepancy(
        "kl-div-log-target-terms", ("kl_div_log_target",), ("*",), BOTH, ("grad_p",), _kl_log_target_terms,
        "With log_target, kl_div is exp(p) (p - q); autograd adds exp(p) (p - q) and exp(p) as two "
        "rounded products, which cancel where p - q is close to -1; gradref forms exp(p) (p - q + 1)."),
    Discrepancy(
        "gaussian-nll-autograd", ("gaussian_nll", "gaussian_nll_full_sum"), ("*",), BOTH,
        ("grad_input", "grad_target"), _within_ulps(2),
        "Autograd through 0.5 (log v + (x - y)^2 / v) rounds 0.5 / v, 2 (x - y) and their product "
        "separately: up to about 1.5 ulp where gradref's (x - y) / v is within its tighter bound."),
    Discrepancy(
        "gaussian-nll-grad-var", ("gaussian_nll", "gaussian_nll_full_sum"), ("*",), BOTH, ("grad_var",),
        _gaussian_grad_var_terms,
        "Autograd forms the var gradient as 0.5 / v - 0.5 (x - y)^2 / v^2, two rounded terms that "
        "cancel where (x - y)^2 is close to v."),
]

EXPECTED = {"1.13": DISCREPANCIES_1_13}


def explain(release: str, check: str, path: str, dtype: str, element: Element):
    """The discrepancy that explains a failing element, or None."""
    for discrepancy in EXPECTED.get(release, []):
        if discrepancy.applies(check, path, dtype, element.output) and discrepancy.holds(element):
            return discrepancy
    return None
