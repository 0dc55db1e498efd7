# torch.nn.functional's losses on a golden case: forward in the case's dtype, then
# autograd's backward for the gradients the golden file lists. gradref's gradients
# are d(sum of the loss's elements) / d input, so backward is seeded with ones
# (for a reduced loss, a scalar 1).
#
# Each Loss maps gradref's op, inputs and spec to one torch call:
#   call(inputs, spec) -> loss tensor   (inputs: name -> tensor, as the case names them)
#   grads: gradref output name -> input name whose .grad it is
#   differentiable: inputs that get requires_grad (the others are constants to torch)
#   unsupported(spec): why torch cannot express this case, or None
from dataclasses import dataclass, field
from typing import Callable, Optional

import torch
import torch.nn.functional as F


@dataclass
class Loss:
    op: str
    call: Callable
    grads: dict
    fixed: dict = field(default_factory=dict)
    unsupported_spec: Optional[Callable] = None
    integer_inputs: tuple = ()

    def generation_spec(self) -> dict:
        return dict(self.fixed)

    def unsupported(self, spec: dict):
        for name, value in self.fixed.items():
            if spec.get(name) != value:
                return f"torch needs {name} = {value!r} (case has {spec.get(name)!r})"
        return self.unsupported_spec(spec) if self.unsupported_spec else None


def _elementwise(function):
    """mse, l1, huber: (input, target) with reduction, plus the loss's own arguments."""
    return lambda x, spec: function(x["input"], x["target"], spec)


def _cross_entropy(x, spec):
    return F.cross_entropy(x["logits"], x["target"], weight=x.get("weight"), ignore_index=spec["ignore_index"],
                           reduction=spec["reduction"], label_smoothing=spec["label_smoothing"])


def _kl_div(x, spec):
    # torch's input is log Q and its target is P (as probabilities, or logs with log_target).
    return F.kl_div(x["q"], x["p"], reduction=spec["reduction"], log_target=spec["p_form"] == "log")


def _kl_unsupported(spec):
    if spec["q_form"] != "log":
        return "torch.nn.functional.kl_div takes log Q (q_form log)"
    if spec["reduction"] == "row":
        return "torch.nn.functional.kl_div has no per-row reduction"
    if spec["clip"]:
        return "torch.nn.functional.kl_div does not clip"
    return None


def _bce_with_logits(x, spec):
    pos_weight = x.get("pos_weight")
    if pos_weight is not None and x["input"].dim() == 0:
        # gradref's pos_weight is [C] with C = 1 for a 0-d input; torch broadcasts a [1]
        # pos_weight to a [1] loss and then refuses to write it into the 0-d result.
        pos_weight = pos_weight.reshape(())
    return F.binary_cross_entropy_with_logits(x["input"], x["target"], weight=x.get("weight"),
                                              pos_weight=pos_weight, reduction=spec["reduction"])


LOSSES = {
    "mse": Loss("mse", _elementwise(lambda i, t, s: F.mse_loss(i, t, reduction=s["reduction"])),
                {"grad_input": "input", "grad_target": "target"}),
    "l1": Loss("l1", _elementwise(lambda i, t, s: F.l1_loss(i, t, reduction=s["reduction"])),
               {"grad_input": "input", "grad_target": "target"}),
    "huber": Loss("huber", _elementwise(lambda i, t, s: F.huber_loss(i, t, reduction=s["reduction"], delta=s["delta"])),
                  {"grad_input": "input", "grad_target": "target"}),
    "bce": Loss("bce", lambda x, s: F.binary_cross_entropy(x["input"], x["target"], weight=x.get("weight"),
                                                          reduction=s["reduction"]),
                {"grad_input": "input", "grad_target": "target"},
                fixed={"clamp_log": True, "log_floor": -100.0, "clip_low": 0.0, "clip_high": 1.0}),
    "bce_with_logits": Loss("bce_with_logits", _bce_with_logits, {"grad_input": "input", "grad_target": "target"}),
    "cross_entropy": Loss("cross_entropy", _cross_entropy, {"grad_logits": "logits", "grad_target": "target"},
                          integer_inputs=("target",)),
    "nll": Loss("nll", lambda x, s: F.nll_loss(x["input"], x["target"], weight=x.get("weight"),
                                               ignore_index=s["ignore_index"], reduction=s["reduction"]),
                {"grad_input": "input"}, integer_inputs=("target",)),
    "kl_divergence": Loss("kl_divergence", _kl_div, {"grad_p": "p", "grad_q": "q"},
                          unsupported_spec=_kl_unsupported),
    "gaussian_nll": Loss("gaussian_nll",
                         lambda x, s: F.gaussian_nll_loss(x["input"], x["target"], x["var"], full=s["full"],
                                                          eps=s["eps"], reduction=s["reduction"]),
                         {"grad_input": "input", "grad_target": "target", "grad_var": "var"},
                         fixed={"variance": "input", "grad_var_below_eps": "formula"}),
}


def run_loss(loss: Loss, case: dict, dtype: torch.dtype, tensor) -> dict:
    """Runs torch on one golden case; returns {"outputs": ...}."""
    spec = case["spec"]
    integer = set(loss.integer_inputs)
    if spec.get("target_type") == "probabilities":
        integer.discard("target")
    inputs = {}
    for name, value in case["inputs"].items():
        inputs[name] = tensor(value, torch.long if name in integer else dtype)
    wanted = {name: source for name, source in loss.grads.items() if name in case["outputs"]}
    for source in wanted.values():
        inputs[source].requires_grad_(True)
    result = loss.call(inputs, spec)
    result.backward(torch.ones_like(result))
    outputs = {"loss": result.detach().reshape(-1).tolist()}
    for name, source in wanted.items():
        grad = inputs[source].grad
        outputs[name] = (grad if grad is not None else torch.zeros_like(inputs[source])).reshape(-1).tolist()
    return {"outputs": outputs}
