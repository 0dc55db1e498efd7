#!/usr/bin/env python3
"""`gradref verify` end to end, on golden files written by `gradref golden` at
test time and candidates derived from them (standard library only: the .npz
candidates are written with zipfile and struct):

- exit 0: the golden's own `rounded` values, as JSON and as .npz, against the
  golden JSON and the golden .npz, several pairs in one run;
- exit 1: one value negated; the text, JSON and JUnit reports name it;
- exit 2: malformed JSON, another op, a wrong shape, a value that is not a
  float32, a missing file, --trajectory resync without a trajectory;
- JUnit XML parses (xml.dom.minidom) and counts tests, failures and skips;
- trajectories: a perfect kernel's trajectory (each step's outputs correctly
  rounded, computed with `gradref eval`) passes resync and free; a wrong first
  step fails resync at step 0.

usage: check_verify.py GRADREF WORKDIR
"""
import json
import math
import os
import struct
import subprocess
import sys
import xml.dom.minidom
import zipfile

try:  # candidates are validated against docs/formats/candidate.schema.json where jsonschema is importable
    import jsonschema
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "formats", "candidate.schema.json")) as f:
        SCHEMA = json.load(f)
except ImportError:
    SCHEMA = None

GRADREF, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
failures = []


def path(name):
    return os.path.join(WORK, name)


def run(*args):
    r = subprocess.run([GRADREF, *args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def expect(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def golden(op, dtype, name, *extra):
    code, out, err = run("golden", "--op", op, "--dtype", dtype, "--count", "6", "--seed", "7", "-o", path(name), *extra)
    assert code == 0, out + err
    if name.endswith(".json"):
        with open(path(name)) as f:
            return json.load(f)
    return None


def jsonable(x):
    """A candidate value: floats as JSON numbers, non-finite ones as strings."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def candidate_from(doc, **changes):
    """The golden's rounded values as a candidate."""
    cases = []
    for case in doc["cases"]:
        outputs = {n: {"shape": o["shape"], "data": list(o["rounded"])} for n, o in case["outputs"].items()}
        cases.append({"outputs": outputs})
    c = {"format": "gradref-candidate", "version": 1, "implementation": "the golden's rounded values",
         "op": doc["op"], "dtype": doc["dtype"], "cases": cases}
    c.update(changes)
    return c


def write(name, doc):
    if SCHEMA is not None:
        jsonschema.validate(doc, SCHEMA)
    with open(path(name), "w") as f:
        json.dump(doc, f)
    return path(name)


def nonzero_element(doc, output):
    for k, case in enumerate(doc["cases"]):
        for i, x in enumerate(case["outputs"][output]["rounded"]):
            if float.fromhex(x) != 0 and math.isfinite(float.fromhex(x)):
                return k, i
    raise AssertionError("no nonzero " + output)


def negated(x):
    return x[1:] if x.startswith("-") else "-" + x


def error_field(out):
    try:
        return json.loads(out)["error"]["field"]
    except (ValueError, KeyError):
        return None


def npy(values, shape, dtype):
    code = {"float32": ("<f4", "f"), "float64": ("<f8", "d"), "int64": ("<i8", "q")}[dtype]
    tuple_text = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (code[0], tuple_text)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return (b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() +
            struct.pack("<%d%s" % (len(values), code[1]), *values))


def write_npz(name, entries):
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_STORED) as z:
        for entry, data in entries.items():
            z.writestr(entry, data)
    return path(name)


# --- golden files -----------------------------------------------------------
adam = golden("adam", "float32", "adam.json", "--preset", "pytorch")
golden("adam", "float32", "adam.npz", "--preset", "pytorch")
mse = golden("mse", "float64", "mse.json")

# --- exit 0 -----------------------------------------------------------------
good = write("adam_good.json", candidate_from(adam))
code, out, err = run("verify", path("adam.json"), good)
expect(code == 0 and "3 passed" not in out and "6 passed" in out and err == "", "the rounded values pass (exit 0)")
code, out, _ = run("verify", path("adam.npz"), good)
expect(code == 0, "a golden .npz reads as its golden.json (exit 0)")
mse_good = write("mse_good.json", candidate_from(mse))
code, out, _ = run("verify", path("adam.json"), good, path("mse.json"), mse_good, "--json")
report = json.loads(out)
expect(code == 0 and report["passed"] and [s["op"] for s in report["suites"]] == ["adam", "mse"],
       "two golden/candidate pairs give one report (exit 0)")

# --- exit 1 -----------------------------------------------------------------
k, i = nonzero_element(adam, "param")
bad_doc = candidate_from(adam)
bad_doc["cases"][k]["outputs"]["param"]["data"][i] = negated(bad_doc["cases"][k]["outputs"]["param"]["data"][i])
bad_doc["cases"][(k + 1) % 6] = {"skipped": "cannot express <this> & \"that\""}
bad = write("adam_bad.json", bad_doc)
code, out, _ = run("verify", path("adam.json"), bad, "--report", path("junit.xml"))
expect(code == 1 and f"case {k} failed" in out and f"FAIL param[{i}]" in out, "a negated value fails (exit 1)")
code, out, _ = run("verify", path("adam.json"), bad, path("mse.json"), mse_good, "--json")
report = json.loads(out)
result = report["suites"][0]["results"][k]
expect(code == 1 and not report["passed"] and result["status"] == "failed" and
       result["outputs"][0]["worst"]["index"] == i and report["suites"][0]["skipped"] == 1 and
       report["suites"][1]["failed"] == 0, "the JSON report names the failing element and the skipped case")

# --- JUnit ------------------------------------------------------------------
dom = xml.dom.minidom.parse(path("junit.xml"))
suites = dom.getElementsByTagName("testsuite")
cases = dom.getElementsByTagName("testcase")
expect(len(suites) == 1 and suites[0].getAttribute("tests") == "6" and suites[0].getAttribute("failures") == "1" and
       suites[0].getAttribute("skipped") == "1" and len(cases) == 6 and
       len(cases[k].getElementsByTagName("failure")) == 1 and
       cases[(k + 1) % 6].getElementsByTagName("skipped")[0].getAttribute("message") ==
       "cannot express <this> & \"that\"", "JUnit XML parses and counts tests, failures and skips")

# --- exit 2 -----------------------------------------------------------------
with open(path("malformed.json"), "w") as f:
    f.write('{"format": "gradref-candidate", "cases": [')
wrong_shape = candidate_from(adam)
wrong_shape["cases"][0]["outputs"]["param"]["shape"] = [99]
not_float32 = candidate_from(adam)
not_float32["cases"][2]["outputs"]["exp_avg"]["data"][0] = 0.1
trajectory_for_loss = candidate_from(mse)
trajectory_for_loss["cases"][0]["trajectory"] = []
bad_inputs = [
    ("malformed JSON", [path("adam.json"), path("malformed.json")], "json"),
    ("another op", [path("adam.json"), write("op.json", candidate_from(adam, op="sgd"))], "op"),
    ("another dtype", [path("adam.json"), write("dtype.json", candidate_from(adam, dtype="float64"))], "dtype"),
    ("a wrong shape", [path("adam.json"), write("shape.json", wrong_shape)], "cases[0].outputs.param.shape"),
    ("a value that is not a float32", [path("adam.json"), write("f32.json", not_float32)],
     "cases[2].outputs.exp_avg.data[0]"),
    ("too few cases", [path("adam.json"), write("few.json", candidate_from(adam, cases=[]))], "cases"),
    ("a missing candidate", [path("adam.json"), path("no_such_file.json")], "CANDIDATE"),
    ("a missing golden file", [path("no_such_file.json"), good], "GOLDEN"),
    ("a candidate as golden file", [good, good], "GOLDEN"),
    ("an odd number of files", [path("adam.json")], "FILES"),
    ("a trajectory for a loss", [path("mse.json"), write("traj_loss.json", trajectory_for_loss)], "cases[0].trajectory"),
]
for what, args, field in bad_inputs:
    code, out, _ = run("verify", *args)
    expect(code == 2 and error_field(out) == field, f"{what}: exit 2 naming {field} (got {code}, {error_field(out)})")

# --- .npz candidates ----------------------------------------------------------
entries = {"candidate.json": json.dumps({"implementation": "npz", "op": "adam", "dtype": "float32",
                                         "skipped": {"5": "not this one"}})}
for k2, case in enumerate(adam["cases"]):
    if k2 == 5:
        continue
    for name, o in case["outputs"].items():
        values = [float.fromhex(x) for x in o["rounded"]]
        dtype = "int64" if name == "step" else "float32"
        entries[f"case_{k2:04d}/outputs/{name}.npy"] = npy([int(v) for v in values] if dtype == "int64" else values,
                                                             o["shape"], dtype)
code, out, _ = run("verify", path("adam.json"), write_npz("adam_good.npz", entries), "--json")
report = json.loads(out)
expect(code == 0 and report["suites"][0]["skipped"] == 1 and report["suites"][0]["passed"] == 5,
       ".npz candidate with candidate.json passes (exit 0)")
name = f"case_{k:04d}/outputs/param.npy"
values = [float.fromhex(x) for x in adam["cases"][k]["outputs"]["param"]["rounded"]]
values[i] = -values[i]
entries[name] = npy(values, adam["cases"][k]["outputs"]["param"]["shape"], "float32")
code, out, _ = run("verify", path("adam.npz"), write_npz("adam_bad.npz", entries))
expect(code == 1 and f"FAIL param[{i}]" in out, ".npz candidate with a negated value fails (exit 1)")
entries[name] = npy(values + [0.0], [len(values) + 1], "float32")
code, out, _ = run("verify", path("adam.json"), write_npz("adam_shape.npz", entries))
expect(code == 2 and error_field(out) == name + ".shape", f".npz with a wrong shape: exit 2 naming {name}.shape")

# --- trajectories -------------------------------------------------------------
def perfect_trajectory(case):
    """Each step's outputs correctly rounded to float32, from `gradref eval` on one-step cases."""
    grad = case["inputs"]["grad"]
    param_shape = case["inputs"]["param"]["shape"]
    n = math.prod(param_shape)
    steps = grad["shape"][0] if len(grad["shape"]) > len(param_shape) else 1
    state = {k: v for k, v in case["inputs"].items() if k not in ("grad", "step")}
    trajectory = []
    for s in range(steps):
        one = {"op": case["op"], "spec": case["spec"], "inputs": dict(state)}
        one["inputs"]["grad"] = {"shape": param_shape, "data": grad["data"][s * n:(s + 1) * n]}
        one["inputs"]["step"] = {"shape": [], "data": [case["inputs"]["step"]["data"][0] + s]}
        with open(path("one_step.json"), "w") as f:
            json.dump(one, f)
        code, out, err = run("eval", path("one_step.json"))
        assert code == 0, out + err
        outputs = json.loads(out)["outputs"]
        step = {name: {"shape": o["shape"], "data": [jsonable(x) for x in o["float32"]]} for name, o in outputs.items()}
        trajectory.append(step)
        for name in state:
            state[name] = {"shape": step[name]["shape"], "data": step[name]["data"]}
    return trajectory


traj_doc = candidate_from(adam)
multi = None
for k2, case in enumerate(adam["cases"]):
    traj_doc["cases"][k2]["trajectory"] = perfect_trajectory(case)
    traj_doc["cases"][k2]["outputs"] = traj_doc["cases"][k2]["trajectory"][-1]
    if len(traj_doc["cases"][k2]["trajectory"]) > 1 and multi is None:
        multi = k2
assert multi is not None, "no multi-step case drawn"
code, out, _ = run("verify", path("adam.json"), write("adam_traj.json", traj_doc), "--json")
report = json.loads(out)
modes = {r["mode"] for r in report["suites"][0]["results"]}
steps_checked = {o.get("step") for o in report["suites"][0]["results"][multi]["outputs"]}
expect(code == 0 and modes == {"resync"} and steps_checked >= {0, 1},
       f"a perfect kernel's trajectory passes resync, step by step (exit 0; modes {modes})")
code, out, _ = run("verify", path("adam.json"), path("adam_traj.json"), "--trajectory", "free", "--json")
report = json.loads(out)
expect(code == 0 and {r["mode"] for r in report["suites"][0]["results"]} == {"free"},
       "the same final outputs pass free (exit 0)")
first = traj_doc["cases"][multi]["trajectory"][0]["param"]["data"]
j = next(j for j, x in enumerate(first) if isinstance(x, (int, float)) and x != 0 and math.isfinite(x))
first[j] = -first[j]
code, out, _ = run("verify", path("adam.json"), write("adam_traj_bad.json", traj_doc), "--json")
report = json.loads(out)
failed = [o for o in report["suites"][0]["results"][multi]["outputs"] if o["failed"]]
expect(code == 1 and failed and failed[0]["step"] == 0 and failed[0]["name"] == "param",
       "a wrong first step fails resync at step 0 (exit 1)")
code, out, _ = run("verify", path("adam.json"), good, "--trajectory", "resync")
expect(code == 2 and error_field(out).endswith(".trajectory"), "--trajectory resync without a trajectory: exit 2")
code, out, _ = run("verify", path("adam.json"), good, "--trajectory", "sideways")
expect(code == 2 and error_field(out) == "--trajectory", "an unknown --trajectory: exit 2")

print(f"{len(failures)} failed" if failures else "all passed")
sys.exit(1 if failures else 0)
