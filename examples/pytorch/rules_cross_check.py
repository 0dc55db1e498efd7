# Cross-checks gradref's `pytorch` presets of the update rules against torch.optim:
# float64, three steps from zero state, random parameters and gradients; prints the
# worst relative difference per rule (rounding differences are ~1e-15).
#
#   /usr/bin/python3 examples/pytorch/rules_cross_check.py [path/to/gradref]
#
# Needs torch (Debian: python3-torch, PyTorch 1.13). 1.13's single-tensor NAdam
# multiplies mu_product_next by an extra mu (fixed in PyTorch 2.x, whose formula
# gradref follows), so NAdam is also checked through 1.13's foreach path, which
# has the fixed formula. The full PyTorch comparison through golden files and
# `gradref verify` is the PyTorch issue's.
import json, subprocess, sys, random
import torch
torch.set_default_dtype(torch.float64)
GR = sys.argv[1] if len(sys.argv) > 1 else "build/release/cli/gradref"
random.seed(1)
n, steps = 5, 3

def vals(k, scale=1.0):
    return [random.uniform(-1, 1) * scale for _ in range(k)]

def gradref(op, spec, inputs):
    case = {"op": op, "preset": "pytorch", "spec": spec,
            "inputs": {k: {"shape": s, "data": [float.hex(x) for x in d]} for k, (s, d) in inputs.items()}}
    out = subprocess.run([GR, "eval", "-", "--compact"], input=json.dumps(case), capture_output=True, text=True)
    j = json.loads(out.stdout)
    if "error" in j: raise RuntimeError(j)
    return j["outputs"]

def run(name, op, spec, make_opt, slots, state_map):
    p0 = vals(n); gs = [vals(n) for _ in range(steps)]
    p = torch.tensor(p0, requires_grad=True)
    opt = make_opt([p])
    for g in gs:
        p.grad = torch.tensor(g); opt.step()
    inputs = {"param": ([n], p0), "grad": ([steps, n], sum(gs, [])), "step": ([], [0.0])}
    for s, init in slots.items(): inputs[s] = ([n], [init] * n) if s != "mu_product" else ([], [1.0])
    out = gradref(op, spec, inputs)
    worst = 0.0
    mine = out["param"]["float64"]
    for a, b in zip(p.detach().tolist(), mine):
        worst = max(worst, abs(a - b) / max(abs(a), 1e-300))
    st = opt.state[p]
    for s, key in state_map.items():
        t = st[key].tolist() if hasattr(st[key], "tolist") else st[key]
        t = t if isinstance(t, list) else [t]
        for a, b in zip(t, out[s]["float64"]):
            worst = max(worst, abs(a - b) / max(abs(a), 1e-300))
    print(f"{name:40s} worst relative difference {worst:.3g}")

O = torch.optim
run("sgd momentum dampening wd", "sgd", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01},
    lambda ps: O.SGD(ps, lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01), {"momentum_buffer": 0.0}, {"momentum_buffer": "momentum_buffer"})
run("sgd nesterov maximize", "sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "maximize": True},
    lambda ps: O.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, maximize=True), {"momentum_buffer": 0.0}, {"momentum_buffer": "momentum_buffer"})
run("adam amsgrad wd", "adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1},
    lambda ps: O.Adam(ps, lr=0.01, amsgrad=True, weight_decay=0.1), {"exp_avg": 0.0, "exp_avg_sq": 0.0, "max_exp_avg_sq": 0.0},
    {"exp_avg": "exp_avg", "exp_avg_sq": "exp_avg_sq", "max_exp_avg_sq": "max_exp_avg_sq"})
run("adamw", "adamw", {"lr": 0.01, "weight_decay": 0.1},
    lambda ps: O.AdamW(ps, lr=0.01, weight_decay=0.1), {"exp_avg": 0.0, "exp_avg_sq": 0.0}, {"exp_avg": "exp_avg", "exp_avg_sq": "exp_avg_sq"})
run("adagrad lr_decay init wd", "adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.2, "weight_decay": 0.01},
    lambda ps: O.Adagrad(ps, lr=0.1, lr_decay=0.05, initial_accumulator_value=0.2, weight_decay=0.01), {"sum": 0.2}, {"sum": "sum"})
run("rmsprop centered momentum", "rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.9},
    lambda ps: O.RMSprop(ps, lr=0.01, centered=True, momentum=0.9), {"square_avg": 0.0, "grad_avg": 0.0, "momentum_buffer": 0.0},
    {"square_avg": "square_avg", "grad_avg": "grad_avg", "momentum_buffer": "momentum_buffer"})
run("adadelta wd", "adadelta", {"lr": 1.0, "weight_decay": 0.01},
    lambda ps: O.Adadelta(ps, lr=1.0, weight_decay=0.01), {"square_avg": 0.0, "acc_delta": 0.0}, {"square_avg": "square_avg", "acc_delta": "acc_delta"})
run("adamax wd", "adamax", {"lr": 0.01, "weight_decay": 0.01},
    lambda ps: O.Adamax(ps, lr=0.01, weight_decay=0.01), {"exp_avg": 0.0, "exp_inf": 0.0}, {"exp_avg": "exp_avg", "exp_inf": "exp_inf"})
run("nadam (1.13 single-tensor, extra mu: differs)", "nadam", {"lr": 0.01},
    lambda ps: O.NAdam(ps, lr=0.01), {"exp_avg": 0.0, "exp_avg_sq": 0.0, "mu_product": 1.0}, {"exp_avg": "exp_avg", "exp_avg_sq": "exp_avg_sq"})
run("radam", "radam", {"lr": 0.01},
    lambda ps: O.RAdam(ps, lr=0.01), {"exp_avg": 0.0, "exp_avg_sq": 0.0}, {"exp_avg": "exp_avg", "exp_avg_sq": "exp_avg_sq"})
run("nadam (1.13 foreach path, no extra mu)", "nadam", {"lr": 0.01},
    lambda ps: O.NAdam(ps, lr=0.01, foreach=True), {"exp_avg": 0.0, "exp_avg_sq": 0.0, "mu_product": 1.0}, {"exp_avg": "exp_avg", "exp_avg_sq": "exp_avg_sq"})
