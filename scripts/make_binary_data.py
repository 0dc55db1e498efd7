#!/usr/bin/env python3
"""Writes examples/data/binary_train.json and binary_validation.json: the bundled
binary data set for `gradref train` (the autoregressive model, docs/models/training.md).

Deterministic and exact: splitmix64 (Steele, Lea & Flood 2014; the generator
`gradref train` shuffles with) seeded with 20261129 draws integers only, so no exp,
log or floating-point rounding enters and every platform writes the same files.
The rows are D = 12 bits from a mixture of three Bernoulli prototypes: a row picks
its component k uniformly (the draw's top bits modulo 3, a bias of < 2^-62) and sets
bit i to 1 with probability P[k][i] / 16 (the draw's top 4 bits below P[k][i]).
Prototype 0 leans to ones in the first half, 1 in the second half, 2 alternates:
bits are dependent through the shared component, which an autoregressive model can
learn. The training set is small (32 rows) so that a fully visible sigmoid belief
network (78 parameters) overfits it; the validation set has 400 rows. Run from the
repository root:
    python3 scripts/make_binary_data.py
"""
import json

MASK = 2**64 - 1
STATE = 20261129
D = 12
PROTOTYPES = [
    [14, 13, 14, 12, 13, 14, 3, 2, 3, 2, 1, 3],
    [2, 3, 1, 2, 3, 2, 13, 14, 12, 14, 13, 14],
    [14, 2, 13, 3, 14, 2, 13, 3, 12, 2, 14, 1],
]


def splitmix64():
    global STATE
    STATE = (STATE + 0x9E3779B97F4A7C15) & MASK
    z = STATE
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def row():
    k = (splitmix64() >> 32) % len(PROTOTYPES)
    return [1 if (splitmix64() >> 60) < PROTOTYPES[k][i] else 0 for i in range(D)]


def write(path, rows, what):
    body = ",\n    ".join(json.dumps(r) for r in rows)
    with open(path, "w") as f:
        f.write('{\n  "description": "' + what + '",\n')
        f.write('  "source": "scripts/make_binary_data.py (mixture of 3 Bernoulli prototypes, splitmix64 seed 20261129)",\n')
        f.write('  "shape": [' + str(len(rows)) + ", " + str(D) + '],\n  "data": [\n    ' + body + "\n  ]\n}\n")


def main():
    train = [row() for _ in range(32)]
    validation = [row() for _ in range(400)]
    write("examples/data/binary_train.json", train, "training set: 32 binary vectors of length 12")
    write("examples/data/binary_validation.json", validation, "validation set: 400 binary vectors of length 12")


if __name__ == "__main__":
    main()
