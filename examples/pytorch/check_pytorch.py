#!/usr/bin/python3
"""PyTorch checked against gradref's golden vectors.

For every optimizer and loss PyTorch shares with gradref: generate golden cases
(`gradref golden --preset pytorch`), run PyTorch on each case's inputs in float32
and float64, write a candidate file ("gradref-candidate"), and check it against
the golden file: with `gradref verify` where the gradref given has that command,
and always with this script's own exact comparison (exact_check.py).

    /usr/bin/python3 examples/pytorch/check_pytorch.py --gradref build/release/cli/gradref

Exit status: 0 when every check passes or each of its failing elements is explained
by an expected discrepancy (discrepancies.py: op, condition, explanation); 1
otherwise; 77 when torch cannot be imported (CTest's skip code).
Results are in docs/validation.md.
"""
import argparse
import json
import math
import os
import pathlib
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction

try:
    import torch
except ImportError:
    print("check_pytorch: torch is not importable; skipped")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from discrepancies import Element, explain               # noqa: E402
from exact_check import OpSummary                       # noqa: E402
from golden_io import (candidate_document, generate_golden, make_tensor,  # noqa: E402
                       run_verify, verify_available, write_json)
from torch_losses import LOSSES, run_loss               # noqa: E402
from torch_rules import RULES, run_rule                 # noqa: E402

DTYPES = {"float32": torch.float32, "float64": torch.float64}


@dataclass
class Check:
    """One golden file: an op under a preset, with spec fields fixed to select a
    configuration (SGD with Nesterov, RMSprop centered, probability targets, ...)."""
    name: str
    op: str
    spec: dict = field(default_factory=dict)
    preset: str = "pytorch"
    # torch code paths to run on the same cases: name -> extra constructor arguments
    paths: dict = field(default_factory=lambda: {"single_tensor": {"foreach": False}})

    def adapter(self):
        return RULES.get(self.op) or LOSSES[self.op]


BOTH_PATHS = {"single_tensor": {"foreach": False}, "foreach": {"foreach": True}}
LOSS = {"autograd": {}}

CHECKS = [
    Check("sgd", "sgd", {"lr": 0.01}),
    Check("sgd_momentum", "sgd", {"lr": 0.01, "momentum": 0.9, "nesterov": False}),
    Check("sgd_nesterov", "sgd", {"lr": 0.01, "momentum": 0.9, "nesterov": True, "dampening": 0.0}),
    Check("adam", "adam", {"amsgrad": False}, paths=BOTH_PATHS),
    Check("adam_amsgrad", "adam", {"amsgrad": True}, paths=BOTH_PATHS),
    Check("adamw", "adamw", {}),
    Check("adagrad", "adagrad", {}),
    Check("rmsprop", "rmsprop", {"centered": False, "momentum": 0.0}),
    Check("rmsprop_centered", "rmsprop", {"centered": True, "momentum": 0.0}),
    Check("rmsprop_momentum", "rmsprop", {"momentum": 0.9}),
    Check("adamax", "adamax", {}),
    Check("adadelta", "adadelta", {}),
    Check("nadam", "nadam", {}, paths=BOTH_PATHS),
    Check("radam", "radam", {}),
    Check("mse", "mse", paths=LOSS),
    Check("l1", "l1", paths=LOSS),
    Check("huber", "huber", paths=LOSS),
    Check("bce", "bce", paths=LOSS),
    Check("bce_with_logits", "bce_with_logits", paths=LOSS),
    Check("cross_entropy", "cross_entropy", paths=LOSS),
    Check("cross_entropy_none", "cross_entropy", {"reduction": "none"}, paths=LOSS),
    Check("cross_entropy_probabilities", "cross_entropy", {"target_type": "probabilities"}, paths=LOSS),
    Check("nll", "nll", paths=LOSS),
    Check("kl_div", "kl_divergence", paths=LOSS),
    Check("kl_div_log_target", "kl_divergence", preset="pytorch_log_target", paths=LOSS),
    Check("kl_div_batchmean", "kl_divergence", {"reduction": "batchmean"}, paths=LOSS),
    Check("gaussian_nll", "gaussian_nll", paths=LOSS),
    Check("gaussian_nll_full_sum", "gaussian_nll", {"full": True, "reduction": "sum"}, paths=LOSS),
]


def run_case(check: Check, case: dict, dtype: str, extra: dict) -> dict:
    adapter = check.adapter()
    reason = adapter.unsupported(case["spec"])
    if reason:
        return {"skipped": reason}
    tensor = lambda port, d: make_tensor(torch, port, d)  # noqa: E731
    try:
        if check.op in RULES:
            return run_rule(adapter, case, DTYPES[dtype], extra, tensor)
        return run_loss(adapter, case, DTYPES[dtype], tensor)
    except RuntimeError as error:  # torch refused a case gradref accepts: a failure, not a skip
        return {"error": f"torch raised: {error}", "outputs": {}}


def implementation_name(check: Check, path: str) -> str:
    adapter = check.adapter()
    if check.op in RULES:
        return f"torch {torch.__version__} torch.optim.{adapter.torch_class} ({path.replace('_', '-')})"
    return f"torch {torch.__version__} torch.nn.functional ({check.op}, autograd)"


def own_summary(golden: dict, results: list, dtype: str) -> OpSummary:
    summary = OpSummary()
    for index, (case, result) in enumerate(zip(golden["cases"], results)):
        if "skipped" in result:
            summary.cases += 1
            summary.skipped += 1
            continue
        if "error" in result:
            summary.add_error(index, result["error"])
            continue
        summary.add_case(index, case, result["outputs"], dtype)
    return summary


def unexplained_failures(check: Check, path: str, dtype: str, golden: dict, results: list, summary: OpSummary):
    """The failing elements no expected discrepancy explains, and the names of those that did."""
    release = ".".join(torch.__version__.split(".")[:2])
    unexplained, explained_by = [], set()
    for index, name, element, result in summary.failures:
        case = golden["cases"][index]
        candidate = results[index]["outputs"][name][element]
        exact_text = case["outputs"][name]["exact"][element]
        finite = exact_text not in ("nan", "inf", "-inf") and math.isfinite(candidate)
        exact = Fraction(exact_text) if exact_text not in ("nan", "inf", "-inf") else Fraction(0)
        error = abs(Fraction(candidate) - exact) if finite else math.inf
        discrepancy = explain(release, check.name, path, dtype,
                              Element(case, name, element, candidate, exact, error, dtype))
        if discrepancy is None:
            unexplained.append((index, name, element, result))
        else:
            explained_by.add(discrepancy.name)
    return unexplained, sorted(explained_by)


def compare_with_verify(gradref: str, pairs: list, report, own_verdicts: dict) -> int:
    """`gradref verify` must pass and fail exactly the suites the exact comparison did."""
    suites = run_verify(gradref, pairs, report)
    disagreements = 0
    for candidate, (passed, label) in own_verdicts.items():
        suite = suites.get(candidate)
        verified = suite is not None and suite["failed"] == 0
        if verified != passed:
            disagreements += 1
            print(f"  ! {label}: gradref verify says {'pass' if verified else 'fail'}, "
                  f"the script's exact comparison {'pass' if passed else 'fail'}")
    print(f"gradref verify: {len(suites)} suites, JUnit report {report}; "
          f"{'agrees with the exact comparison on every suite' if not disagreements else f'{disagreements} disagreement(s)'}")
    return disagreements


def write_markdown(path: str, rows: list) -> None:
    with open(path, "w") as out:
        out.write("| Check | gradref op | torch | Path | dtype | Cases | Passed | Skipped | Worst ULP | Worst error / bound | Result |\n")
        out.write("|---|---|---|---|---|---:|---:|---:|---:|---:|---|\n")
        for row in rows:
            check, summary = row.check, row.summary
            adapter = check.adapter()
            torch_name = f"optim.{adapter.torch_class}" if check.op in RULES else LOSS_NAMES[check.op]
            spec = ", ".join(f"{k} {json.dumps(v)}" for k, v in check.spec.items())
            op = f"{check.op} ({check.preset}{'; ' + spec if spec else ''})"
            out.write(f"| {check.name} | {op} | {torch_name} | {row.path} | {row.dtype} | {summary.cases} | "
                      f"{summary.passed} | {summary.skipped} | {summary.worst_ulps:.3g} | {summary.worst_ratio:.3g} | "
                      f"{row.verdict} |\n")


LOSS_NAMES = {"mse": "F.mse_loss", "l1": "F.l1_loss", "huber": "F.huber_loss", "bce": "F.binary_cross_entropy",
              "bce_with_logits": "F.binary_cross_entropy_with_logits", "cross_entropy": "F.cross_entropy",
              "nll": "F.nll_loss", "kl_divergence": "F.kl_div", "gaussian_nll": "F.gaussian_nll_loss"}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gradref", default="build/release/cli/gradref", help="the gradref command")
    parser.add_argument("--out", default="build/pytorch-check", help="directory for golden, candidate and report files")
    parser.add_argument("--count", type=int, default=20, help="golden cases per check and dtype")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--dtypes", default="float32,float64", help="comma-separated")
    parser.add_argument("--ops", default="", help="comma-separated substrings: only checks whose name or op contains one")
    parser.add_argument("--no-verify", action="store_true", help="only the script's own exact comparison")
    parser.add_argument("--details", action="store_true", help="print every failing element")
    parser.add_argument("--markdown", help="also write the result table as Markdown to this file (docs/validation.md)")
    return parser.parse_args()


def selected_checks(filters: str):
    wanted = [f for f in filters.split(",") if f]
    return [c for c in CHECKS if not wanted or any(f in c.name or f in c.op for f in wanted)]


def print_failures(failures: list, errors: list, golden: dict, limit: int = 5) -> None:
    for index, message in errors[:limit]:
        print(f"      case {index}: {message}")
    for index, name, element, result in failures[:limit]:
        expected = golden["cases"][index]["outputs"][name]
        print(f"      case {index} {name}[{element}]: {result.ulps:.3g} ulp, {result.bound_ratio:.3g} x bound "
              f"(exact {expected['exact'][element]}, bound {expected['bound'][element]}, "
              f"spec {golden['cases'][index]['spec']})")


@dataclass
class Row:
    """One candidate (a check, a code path, a dtype) and its verdict."""
    check: Check
    path: str
    dtype: str
    candidate: pathlib.Path
    summary: OpSummary
    passed: bool
    verdict: str
    unexplained: list


def run_candidate(check: Check, path: str, extra: dict, dtype: str, golden: dict, out: pathlib.Path) -> Row:
    """Runs torch on every case of a golden file, writes the candidate and judges it."""
    results = [run_case(check, case, dtype, extra) for case in golden["cases"]]
    candidate = out / "candidates" / f"{check.name}.{path}.{dtype}.json"
    write_json(candidate, candidate_document(golden, implementation_name(check, path), results))
    summary = own_summary(golden, results, dtype)
    passed = summary.passed + summary.skipped == summary.cases
    unexplained, explained_by = unexplained_failures(check, path, dtype, golden, results, summary)
    if passed:
        verdict = "ok"
    elif not unexplained and not summary.errors:
        verdict = "expected: " + ", ".join(explained_by)
    else:
        verdict = "FAIL"
    return Row(check, path, dtype, candidate, summary, passed, verdict, unexplained)


def main() -> int:
    args = parse_arguments()
    out = pathlib.Path(args.out)
    for sub in ("golden", "candidates"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    use_verify = not args.no_verify and verify_available(args.gradref)
    print(f"check_pytorch: torch {torch.__version__}; checking with "
          f"{'gradref verify and ' if use_verify else ''}the script's exact comparison")
    print(f"{'check':30s} {'path':13s} {'dtype':7s} {'cases':>5s} {'passed':>6s} {'skipped':>7s} "
          f"{'worst ulp':>10s} {'worst/bound':>11s}  result")
    started = time.monotonic()
    rows, pairs = [], []
    for check in selected_checks(args.ops):
        for dtype in args.dtypes.split(","):
            golden_path = out / "golden" / f"{check.name}.{dtype}.json"
            spec = {**check.adapter().generation_spec(), **check.spec}
            golden = generate_golden(args.gradref, check.op, check.preset, spec, dtype, args.count, args.seed,
                                     golden_path)
            for path, extra in check.paths.items():
                row = run_candidate(check, path, extra, dtype, golden, out)
                rows.append(row)
                pairs.append((golden_path, row.candidate))
                summary = row.summary
                print(f"{check.name:30s} {path:13s} {dtype:7s} {summary.cases:5d} {summary.passed:6d} "
                      f"{summary.skipped:7d} {summary.worst_ulps:10.3g} {summary.worst_ratio:11.3g}  {row.verdict}")
                if args.details:
                    print_failures(summary.failures, summary.errors, golden, limit=1000)
                elif row.verdict == "FAIL":
                    print_failures(row.unexplained, summary.errors, golden)
    unexpected = sum(row.verdict == "FAIL" for row in rows)
    if use_verify and pairs:
        own_verdicts = {str(row.candidate): (row.passed, f"{row.check.name} {row.path} {row.dtype}") for row in rows}
        unexpected += compare_with_verify(args.gradref, pairs, out / "verify.xml", own_verdicts)
    if args.markdown:
        write_markdown(args.markdown, rows)
    print(f"check_pytorch: {'all as expected' if unexpected == 0 else f'{unexpected} unexpected result(s)'} "
          f"in {time.monotonic() - started:.1f} s")
    return 0 if unexpected == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
