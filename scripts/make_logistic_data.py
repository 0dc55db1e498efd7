#!/usr/bin/env python3
"""Writes examples/logistic_data.json: the bundled logistic-regression data set.

Deterministic and exact: a 32-bit linear congruential generator (Numerical Recipes'
constants 1664525, 1013904223) draws every number as a multiple of 1/64, so every
feature is exact in float32 and the labels need no exp or log (whose last bits vary
between C libraries). 32 examples, features (x1, x2, 1): x1 and x2 in [-4, 4), the
last column an intercept. The label is 1 where 1.5 x1 - 2 x2 + 0.25 plus a noise
term (the sum of four uniforms on [-1, 1), a bell-shaped, nearly normal noise) is
positive, else 0: a probit-like model that logistic regression fits well without
separating the classes. Run from the repository root:
    python3 scripts/make_logistic_data.py > examples/logistic_data.json
The output is an `objective` case (kind logistic, l2 0.01, theta = 0), so
    build/release/cli/gradref eval examples/logistic_data.json
evaluates the mean negative log-likelihood, its gradient and Hessian at theta = 0.
"""
import json

STATE = 20261129


def uniform():
    """A multiple of 1/64 in [-4, 4), from the top bits of the LCG state."""
    global STATE
    STATE = (1664525 * STATE + 1013904223) % 2**32
    return ((STATE >> 23) - 256) / 64


def main():
    features, labels = [], []
    for _ in range(32):
        x1, x2 = uniform(), uniform()
        noise = sum(uniform() for _ in range(4)) / 4
        z = 1.5 * x1 - 2 * x2 + 0.25 + noise
        features.append([x1, x2, 1])
        labels.append(1 if z > 0 else 0)
    rows = ",\n      ".join(json.dumps(row) for row in features)
    print('{\n  "op": "objective",\n  "spec": {"kind": "logistic", "l2": 0.01},\n  "inputs": {')
    print('    "theta": {"shape": [3], "data": [0, 0, 0]},')
    print('    "features": {"shape": [32, 3], "data": [\n      ' + rows + "]},")
    print('    "labels": {"shape": [32], "data": ' + json.dumps(labels) + "}")
    print("  }\n}")


if __name__ == "__main__":
    main()
