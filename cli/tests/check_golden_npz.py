#!/usr/bin/env python3
"""Reads `gradref golden -o FILE.npz` with NumPy and checks it against the JSON
form of the same cases: golden.json inside is the JSON file byte for byte, every
input array holds the JSON's exact input values in the dtype, every output array
the JSON's rounded values, every bound array a float64 >= the JSON's bound;
the JSON validates against docs/formats/golden.schema.json where jsonschema is;
bfloat16 arrays are float32 arrays whose low 16 bits are zero.
Exits 77 (skipped) when NumPy is not importable.

usage: check_golden_npz.py GRADREF WORKDIR
"""
import json
from decimal import Decimal, getcontext
import math
import os
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print("numpy is not importable: skipped")
    sys.exit(77)
try:  # the JSON Schema is checked too where jsonschema is importable
    import jsonschema
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "formats", "golden.schema.json")) as f:
        SCHEMA = json.load(f)
except ImportError:
    SCHEMA = None
getcontext().prec = 200


def value(text, dtype):
    """An exact JSON value (integer, hex-float or decimal string) in `dtype`."""
    if isinstance(text, int):
        return dtype(text)
    if text.startswith(("0x", "-0x")):
        return dtype(float.fromhex(text))
    return dtype(float(text))


def check(gradref, work, op, preset, dtype, count, seed):
    stem = os.path.join(work, f"{op}.{dtype}")
    args = [gradref, "golden", "--op", op, "--dtype", dtype, "--count", str(count), "--seed", str(seed)]
    if preset:
        args += ["--preset", preset]
    subprocess.run(args + ["-o", stem + ".npz"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(args + ["-o", stem + ".json"], check=True, stdout=subprocess.DEVNULL)
    with open(stem + ".json", "rb") as f:
        document = f.read()
    golden = json.loads(document)
    if SCHEMA is not None:
        jsonschema.validate(golden, SCHEMA)
    assert golden["format"] == "gradref-golden" and golden["version"] == 1, golden["format"]
    # NumPy has no bfloat16: a bfloat16 file holds its values in float32 arrays.
    np_dtype = np.float64 if dtype == "float64" else np.float32
    descr = "<f8" if dtype == "float64" else "<f4"

    npz = np.load(stem + ".npz")
    assert int(npz["version"]) == 1
    assert npz["golden.json"] == document, "golden.json inside the npz differs from the JSON file"
    width = max(4, len(str(count - 1)))
    for k, case in enumerate(golden["cases"]):
        prefix = f"case_{k:0{width}d}/"
        for name, array in case["inputs"].items():
            got = npz[prefix + "inputs/" + name]
            assert list(got.shape) == array["shape"], (name, got.shape)
            if got.dtype.str == "<i8":
                want = np.array([int(value(x, float)) for x in array["data"]], dtype=np.int64)
            else:
                assert got.dtype.str == descr, (name, got.dtype)
                want = np.array([value(x, float) for x in array["data"]], dtype=np.float64).astype(np_dtype)
                # exactness: the float64 value of the text survives the dtype
                assert all(float(w) == value(x, float) or math.isnan(float(w)) for w, x in zip(want, array["data"])), name
            assert np.array_equal(got.reshape(-1), want, equal_nan=True), (prefix, name)
            if dtype == "bfloat16" and got.dtype.str == "<f4":
                assert not np.any(got.view(np.uint32) & 0xFFFF), (prefix, name, "not bfloat16 values")
        for name, out in case["outputs"].items():
            got = npz[prefix + "outputs/" + name].reshape(-1)
            want = np.array([float.fromhex(x) if "x" in x else float(x) for x in out["rounded"]])
            assert np.array_equal(got.astype(np.float64), want, equal_nan=True), (prefix, name)
            if dtype == "bfloat16" and got.dtype.str == "<f4":
                assert not np.any(got.view(np.uint32) & 0xFFFF), (prefix, name, "not bfloat16 values")
            bounds = npz[prefix + "bounds/" + name].reshape(-1)
            assert bounds.dtype.str == "<f8"
            for b, text in zip(bounds, out["bound"]):
                assert float(b) >= float(text), (prefix, name, b, text)
    # A case without bits and outputs is what `gradref eval` reads; it gives the same roundings.
    case = {key: golden["cases"][0][key] for key in ("op", "spec", "inputs")}
    evaluated = json.loads(subprocess.run([gradref, "eval", "-"], input=json.dumps(case).encode(), check=True,
                                          stdout=subprocess.PIPE).stdout)
    for name, out in golden["cases"][0]["outputs"].items():
        for g, e, d in zip(out["exact"], evaluated["outputs"][name]["exact"], out["digits"]):
            # golden writes at most 40 of eval's certified digits: the same value to within one unit of the last
            if d == 0 or not Decimal(e).is_finite():
                assert g == e, (name, g, e)
            else:
                assert abs(Decimal(g) - Decimal(e)) <= Decimal(10) ** (Decimal(e).adjusted() - d + 1), (name, g, e)
        if dtype == "bfloat16":  # eval gives float32 and float64 roundings only
            continue
        for text, number in zip(out["rounded"], evaluated["outputs"][name][dtype]):
            want = float.fromhex(text) if "x" in text else float(text)
            got = float(number)  # eval writes a JSON number, or "inf", "-inf", "nan"
            assert want == got or (math.isnan(want) and math.isnan(got)), (name, text, number)
    print(f"{op} {preset or '-'} {dtype}: {len(golden['cases'])} cases agree")


def main():
    gradref, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    check(gradref, work, "adam", "pytorch", "float32", 3, 7)
    check(gradref, work, "cross_entropy", "pytorch", "float64", 3, 11)  # integer class targets: int64 arrays
    check(gradref, work, "mlp", None, "float32", 2, 5)  # port families: weight_1, weight_2, ...
    check(gradref, work, "adam", "pytorch", "bfloat16", 3, 7)  # bfloat16 values in float32 arrays
    return 0


if __name__ == "__main__":
    sys.exit(main())
