# Reading golden files and writing candidate files ("gradref-candidate", version 1),
# and running the gradref command (golden, verify).
import json
import math
import subprocess

_SPECIAL = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def decode(value):
    """A golden data element: a JSON integer or a C99 hex-float string (or nan, inf)."""
    if isinstance(value, str):
        return _SPECIAL[value] if value in _SPECIAL else float.fromhex(value)
    return value


def encode(value):
    """A candidate data element: integers as they are, floats as exact hex-floats."""
    if isinstance(value, int):
        return value
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return float.hex(value)


def make_tensor(torch, port: dict, dtype):
    """A golden input port {"shape", "data"} as a torch tensor of dtype (exact: the
    values are representable in the golden file's dtype)."""
    return torch.tensor([decode(v) for v in port["data"]], dtype=dtype).reshape(port["shape"])


def candidate_document(golden: dict, implementation: str, results: list) -> dict:
    """results[k]: {"outputs": {name: flat list}, "trajectory": [...]} or {"skipped": reason}."""
    cases = []
    for golden_case, result in zip(golden["cases"], results):
        if "skipped" in result:
            cases.append({"skipped": result["skipped"]})
            continue

        def ports(values):
            return {name: {"shape": golden_case["outputs"][name]["shape"], "data": [encode(v) for v in data]}
                    for name, data in values.items()}
        entry = {"outputs": ports(result["outputs"])}
        if "trajectory" in result:
            entry["trajectory"] = [ports(step) for step in result["trajectory"]]
        cases.append(entry)
    return {"format": "gradref-candidate", "version": 1, "implementation": implementation,
            "op": golden["op"], "dtype": golden["dtype"], "cases": cases}


def write_json(path, document) -> None:
    with open(path, "w") as out:
        json.dump(document, out, separators=(",", ":"))
        out.write("\n")


def generate_golden(gradref: str, op: str, preset: str, spec: dict, dtype: str, count: int, seed: int, path) -> dict:
    command = [gradref, "golden", "--op", op, "--preset", preset, "--dtype", dtype,
               "--count", str(count), "--seed", str(seed), "-o", str(path)]
    if spec:
        command += ["--spec", json.dumps(spec)]
    completed = subprocess.run(command, capture_output=True, text=True)  # stderr: progress lines
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {completed.stdout}{completed.stderr}")
    with open(path) as f:
        return json.load(f)


def verify_available(gradref: str) -> bool:
    help_text = subprocess.run([gradref, "--help"], capture_output=True, text=True).stdout
    return "verify" in help_text


def run_verify(gradref: str, pairs: list, report) -> dict:
    """One `gradref verify` over every (golden, candidate) pair, final outputs compared with
    the whole run's bound (--trajectory free, as the script's own check does); returns
    {candidate path: suite} from its JSON report."""
    command = [gradref, "verify", *[str(p) for pair in pairs for p in pair],
               "--json", "--trajectory", "free", "--report", str(report)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode not in (0, 1):
        raise RuntimeError(f"gradref verify refused its input: {completed.stdout}{completed.stderr}")
    return {suite["candidate"]: suite for suite in json.loads(completed.stdout)["suites"]}
