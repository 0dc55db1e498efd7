# torch.optim on a golden case of an update rule: the optimizer is built from the
# case's spec, its state (step counter included) is loaded from the case's inputs
# through load_state_dict, and opt.step() runs once per gradient row.
#
# Each Rule says how gradref's spec maps onto the torch constructor:
#   kwargs:   torch argument -> function of the spec giving its value
#   optional: torch arguments that older releases lack, with the spec field and the
#             value that means "off" (1.13's NAdam and RAdam have no maximize and no
#             decoupled_weight_decay): where the installed torch lacks the argument,
#             the golden cases are generated with that field fixed to the "off" value
#   fixed:    spec fields torch cannot express otherwise (a case with another value is
#             skipped; check_pytorch.py fixes them with --spec when generating)
# gradref's state slots carry torch's state names (exp_avg, square_avg, ...), so the
# inputs other than param, grad and step are the optimizer state as they stand.
import inspect
from dataclasses import dataclass, field
from typing import Callable

import torch


@dataclass
class Rule:
    op: str
    torch_class: str
    kwargs: dict
    fixed: dict = field(default_factory=dict)
    optional: dict = field(default_factory=dict)   # torch arg -> (spec field, value when absent)
    step_in_state: bool = True                     # SGD keeps no step counter

    def constructor(self) -> Callable:
        return getattr(torch.optim, self.torch_class)

    def accepts(self, argument: str) -> bool:
        return argument in inspect.signature(self.constructor()).parameters

    def generation_spec(self) -> dict:
        """Spec fields to fix when generating golden cases for the installed torch."""
        spec = dict(self.fixed)
        for argument, (spec_field, off_value) in self.optional.items():
            if not self.accepts(argument):
                spec[spec_field] = off_value
        return spec

    def unsupported(self, spec: dict):
        """Why torch cannot run this case's spec, or None."""
        for name, value in self.generation_spec().items():
            if spec.get(name) != value:
                return f"torch.optim.{self.torch_class} {torch.__version__} needs {name} = {value!r} (case has {spec.get(name)!r})"
        return None

    def torch_kwargs(self, spec: dict, extra: dict) -> dict:
        arguments = {name: value(spec) for name, value in self.kwargs.items()}
        for argument, (spec_field, _) in self.optional.items():
            if self.accepts(argument):
                arguments[argument] = OPTIONAL_VALUES[argument](spec)
        for argument, value in extra.items():  # foreach=False/True: which code path runs
            if self.accepts(argument):
                arguments[argument] = value
        return arguments


def _betas(spec):
    return (spec["beta1"], spec["beta2"])


OPTIONAL_VALUES = {
    "maximize": lambda spec: spec["maximize"],
    "decoupled_weight_decay": lambda spec: spec["decay_style"] == "decoupled",
}

RULES = {
    "sgd": Rule("sgd", "SGD", {
        "lr": lambda s: s["lr"], "momentum": lambda s: s["momentum"], "dampening": lambda s: s["dampening"],
        "nesterov": lambda s: s["nesterov"], "weight_decay": lambda s: s["weight_decay"],
        "maximize": lambda s: s["maximize"]},
        fixed={"momentum_form": "heavy_ball", "decay_style": "coupled"}, step_in_state=False),
    "adam": Rule("adam", "Adam", {
        "lr": lambda s: s["lr"], "betas": _betas, "eps": lambda s: s["eps"],
        "weight_decay": lambda s: s["weight_decay"], "amsgrad": lambda s: s["amsgrad"],
        "maximize": lambda s: s["maximize"]},
        fixed={"eps_placement": "outside", "bias_correction": True, "eps_root": 0.0, "amsgrad_max": "v",
               "bias_correction_step": "current", "decoupled_weight_decay": False}),
    "adamw": Rule("adamw", "AdamW", {
        "lr": lambda s: s["lr"], "betas": _betas, "eps": lambda s: s["eps"],
        "weight_decay": lambda s: s["weight_decay"], "amsgrad": lambda s: s["amsgrad"],
        "maximize": lambda s: s["maximize"]},
        fixed={"decay_style": "lr_scaled", "schedule_multiplier": 1.0, "coupled_weight_decay": 0.0,
               "eps_placement": "outside", "bias_correction": True, "eps_root": 0.0, "amsgrad_max": "v",
               "bias_correction_step": "current"}),
    "adagrad": Rule("adagrad", "Adagrad", {
        "lr": lambda s: s["lr"], "lr_decay": lambda s: s["lr_decay"], "eps": lambda s: s["eps"],
        "initial_accumulator_value": lambda s: s["initial_accumulator_value"],
        "weight_decay": lambda s: s["weight_decay"], "maximize": lambda s: s["maximize"]},
        fixed={"eps_placement": "outside", "zero_guard": False, "decay_style": "coupled"}),
    "rmsprop": Rule("rmsprop", "RMSprop", {
        "lr": lambda s: s["lr"], "alpha": lambda s: s["rho"], "eps": lambda s: s["eps"],
        "weight_decay": lambda s: s["weight_decay"], "momentum": lambda s: s["momentum"],
        "centered": lambda s: s["centered"], "maximize": lambda s: s["maximize"]},
        fixed={"eps_placement": "outside", "momentum_form": "heavy_ball", "nesterov": False,
               "bias_correction": False, "decay_style": "coupled"}),
    "adamax": Rule("adamax", "Adamax", {
        "lr": lambda s: s["lr"], "betas": _betas, "eps": lambda s: s["eps"],
        "weight_decay": lambda s: s["weight_decay"], "maximize": lambda s: s["maximize"]},
        fixed={"eps_placement": "in_max", "decay_style": "coupled"}),
    "adadelta": Rule("adadelta", "Adadelta", {
        "lr": lambda s: s["lr"], "rho": lambda s: s["rho"], "eps": lambda s: s["eps"],
        "weight_decay": lambda s: s["weight_decay"], "maximize": lambda s: s["maximize"]},
        fixed={"lr_none": False, "decay_style": "coupled"}),
    "nadam": Rule("nadam", "NAdam", {
        "lr": lambda s: s["lr"], "betas": _betas, "eps": lambda s: s["eps"],
        "weight_decay": lambda s: s["weight_decay"], "momentum_decay": lambda s: s["momentum_decay"]},
        fixed={"eps_root": 0.0, "momentum_schedule": "dozat"},
        optional={"maximize": ("maximize", False), "decoupled_weight_decay": ("decay_style", "coupled")}),
    "radam": Rule("radam", "RAdam", {
        "lr": lambda s: s["lr"], "betas": _betas, "eps": lambda s: s["eps"],
        "weight_decay": lambda s: s["weight_decay"]},
        fixed={"eps_root": 0.0, "eps_placement": "raw", "threshold": 5.0, "threshold_test": "strict"},
        optional={"maximize": ("maximize", False), "decoupled_weight_decay": ("decay_style", "coupled")}),
}


def _snapshot(param: torch.Tensor, state: dict, output_names, step_in_state: bool) -> dict:
    """The case's outputs as they stand now, as flat Python lists."""
    values = {}
    for name in output_names:
        if name == "param":
            values[name] = param.detach().reshape(-1).tolist()
        elif name == "step":
            if step_in_state:
                values[name] = [int(torch.as_tensor(state["step"]).item())]
        elif name in state:
            values[name] = torch.as_tensor(state[name]).reshape(-1).tolist()
    return values


def run_rule(rule: Rule, case: dict, dtype: torch.dtype, extra: dict, tensor) -> dict:
    """Runs torch on one golden case; returns {"outputs": ..., "trajectory": [...]}."""
    spec, inputs = case["spec"], case["inputs"]
    param = tensor(inputs["param"], dtype).requires_grad_(False)
    grads = tensor(inputs["grad"], dtype)
    if grads.dim() == param.dim():  # one gradient: [*param] rather than [steps, *param]
        grads = grads.unsqueeze(0)
    optimizer = rule.constructor()([param], **rule.torch_kwargs(spec, extra))

    step = int(inputs["step"]["data"][0])
    state = {name: tensor(value, dtype) for name, value in inputs.items() if name not in ("param", "grad", "step")}
    if rule.op == "sgd" and step == 0:
        state.pop("momentum_buffer", None)  # torch's first step copies the gradient into a fresh buffer
    if rule.step_in_state:
        state["step"] = float(step)  # each optimizer's __setstate__ turns it into its own type
    saved = optimizer.state_dict()
    saved["state"] = {0: state} if state else {}
    optimizer.load_state_dict(saved)

    output_names = list(case["outputs"])
    trajectory = []
    for row in grads:
        param.grad = row.clone()
        optimizer.step()
        trajectory.append(_snapshot(param, optimizer.state[param], output_names, rule.step_in_state))
    return {"outputs": trajectory[-1], "trajectory": trajectory}
