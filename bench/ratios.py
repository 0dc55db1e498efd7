#!/usr/bin/env python3
"""Turns gradref_bench's JSON output into the tables of bench/RESULTS.md.

    build/release/bench/gradref_bench --benchmark_repetitions=5 \\
        --benchmark_report_aggregates_only=true --benchmark_out=results.json
    python3 bench/ratios.py results.json                 # markdown tables on stdout
    python3 bench/ratios.py results.json --baseline old.json   # regressions vs an older run

Benchmark names are <op>/<dtype>/<impl>/<size> (bench/sizes.hpp). Every figure is a
ratio between measurements of the same run:
  - of_floor: a fast kernel's rate over its floor's, measured alternately inside the
    same benchmark (bench/against_floor.hpp); the median over repetitions.
  - vs scalar, vs torch: the peer's median time over the fast kernel's median time
    (how many times faster the fast kernel is).
With repetitions, the medians Google Benchmark reports are used; without, the median
of whatever entries a name has (usually one).
"""
import argparse
import json
import statistics
import sys

TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

# Issue 8's targets (float32, largest sizes, medians).
RULE_FLOOR_TARGET = 0.90
RULE_TORCH_TARGET = 20.0
RULES_WITH_TORCH_TARGET = ("adam", "adamw", "rmsprop", "adagrad")
CE_FLOOR_TARGET = 0.80
CE_TORCH_TARGET = 10.0
MLP_FLOOR_TARGET = 0.85
# Softmax cross-entropy out of place and in place; the in-place kernel's peers are
# the out-of-place ones (libtorch and the scalar loop have no in-place form).
CE_OPS = ("cross_entropy", "cross_entropy_in_place")


def strip_timing(name):
    """Google Benchmark appends /manual_time or /real_time to the registered name."""
    for suffix in ("/manual_time", "/real_time"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def load(paths):
    """{run_name: {field: median value}} over the files' entries."""
    entries = {}
    aggregated = set()
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for b in data.get("benchmarks", []):
            if b.get("error_occurred"):
                continue
            name = strip_timing(b.get("run_name", b["name"]))
            row = dict(b)
            row["seconds"] = b["real_time"] * TIME_UNITS[b.get("time_unit", "ns")]
            if b.get("run_type") == "aggregate":
                if b.get("aggregate_name") != "median":
                    continue
                aggregated.add(name)
                entries[name] = [row]
            elif name not in aggregated:
                entries.setdefault(name, []).append(row)
    out = {}
    for name, rows in entries.items():
        merged = {}
        for key in rows[0]:
            values = [r[key] for r in rows if isinstance(r.get(key), (int, float)) and not isinstance(r.get(key), bool)]
            merged[key] = statistics.median(values) if values else rows[0][key]
        out[name] = merged
    return out


def split(name):
    parts = name.split("/")
    if len(parts) != 4:
        return None
    return tuple(parts)  # op, dtype, impl, size


def size_key(size):
    if size.startswith("2^"):
        return (int(size[2:]),)
    return tuple(int(x) for x in size.split("x"))


def si(value, unit):
    for factor, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g} {prefix}{unit}"
    return f"{value:.3g} {unit}"


def fmt_time(seconds):
    if seconds >= 1e-1:
        return f"{seconds * 1e3:.0f} ms"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def speedup(results, op, dtype, peer, size, fast_seconds):
    if op in CE_OPS:
        op = "cross_entropy"
    r = results.get(f"{op}/{dtype}/{peer}/{size}")
    return None if r is None else r["seconds"] / fast_seconds


def fmt_ratio(x, digits=2):
    return "-" if x is None else f"{x:.{digits}f}"


def fast_rows(results, ops=None):
    rows = []
    for name, r in results.items():
        parsed = split(name)
        if not parsed or parsed[2] != "fast":
            continue
        op, dtype, _, size = parsed
        if ops is not None and op not in ops:
            continue
        rows.append((op, dtype, size, r))
    order = {}
    for op, _, _, _ in rows:
        order.setdefault(op, len(order))
    rows.sort(key=lambda t: (order[t[0]], t[1], size_key(t[2])))
    return rows


def table(results, rows, peers):
    head = "| op | dtype | size | time | elements/s | bytes/s | floor bytes/s | of floor |"
    head += "".join(f" vs {p} |" for p in peers)
    lines = [head, "|" + "---|" * (8 + len(peers))]
    for op, dtype, size, r in rows:
        cells = [op, dtype, size, fmt_time(r["seconds"]), si(r.get("items_per_second", 0), "/s"),
                 si(r.get("bytes_per_second", 0), "B/s"), si(r.get("floor_bytes_per_second", 0), "B/s"),
                 fmt_ratio(r.get("of_floor"))]
        cells += [fmt_ratio(speedup(results, op, dtype, p, size, r["seconds"]), 1) for p in peers]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def mlp_table(rows):
    lines = ["| op | dtype | shape | time | kernel flop/s | BLAS flop/s | of BLAS |", "|---|---|---|---|---|---|---|"]
    for op, dtype, size, r in rows:
        lines.append(f"| {op} | {dtype} | {size} | {fmt_time(r['seconds'])} | {si(r.get('flop_per_second', 0), 'FLOP/s')}"
                     f" | {si(r.get('floor_flop_per_second', 0), 'FLOP/s')} | {fmt_ratio(r.get('of_floor'))} |")
    return "\n".join(lines)


def verdict(ok):
    return "met" if ok else "NOT met"


def at_floor(speedup_now, of_floor):
    """The speedup a kernel running exactly at its floor would have: torch time / floor time."""
    if not of_floor:
        return ""
    return f" (a kernel at the floor: {speedup_now / of_floor:.1f}x)"


def targets(results):
    lines = []
    rules = [t for t in fast_rows(results) if t[0] not in CE_OPS + ("mlp",)]
    for dtype in ("f32", "f64"):
        mine = [t for t in rules if t[1] == dtype]
        if not mine:
            continue
        largest = max((t[2] for t in mine), key=size_key)
        for op, _, size, r in (t for t in mine if t[2] == largest):
            f = r.get("of_floor")
            line = f"- {op} {dtype} {size}: of floor {fmt_ratio(f)} (target {RULE_FLOOR_TARGET}): {verdict(f is not None and f >= RULE_FLOOR_TARGET)}"
            if dtype == "f32" and op in RULES_WITH_TORCH_TARGET:
                s = speedup(results, op, dtype, "torch", size, r["seconds"])
                line += (f"; vs torch {fmt_ratio(s, 1)}x (target {RULE_TORCH_TARGET:.0f}x): "
                         + ("not measured" if s is None else verdict(s >= RULE_TORCH_TARGET) + at_floor(s, f)))
            lines.append(line)
    for op, dtype, size, r in fast_rows(results, set(CE_OPS)):
        f = r.get("of_floor")
        s = speedup(results, op, dtype, "torch", size, r["seconds"])
        lines.append(f"- {op} {dtype} {size}: of floor {fmt_ratio(f)} (target {CE_FLOOR_TARGET}): "
                     f"{verdict(f is not None and f >= CE_FLOOR_TARGET)}; vs torch {fmt_ratio(s, 1)}x "
                     f"(target {CE_TORCH_TARGET:.0f}x): " + ("not measured" if s is None else verdict(s >= CE_TORCH_TARGET) + at_floor(s, f)))
    for op, dtype, size, r in fast_rows(results, {"mlp"}):
        f = r.get("of_floor")
        lines.append(f"- {op} {dtype} {size}: of BLAS {fmt_ratio(f)} (target {MLP_FLOOR_TARGET}): "
                     f"{verdict(f is not None and f >= MLP_FLOOR_TARGET)}")
    return "\n".join(lines)


def compare(results, baseline):
    lines = ["| benchmark | time now / before | of floor now | of floor before |", "|---|---|---|---|"]
    for name in results:
        if name not in baseline:
            continue
        now, before = results[name], baseline[name]
        lines.append(f"| {name} | {now['seconds'] / before['seconds']:.3f} | {fmt_ratio(now.get('of_floor'))} | "
                     f"{fmt_ratio(before.get('of_floor'))} |")
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+", help="gradref_bench --benchmark_out JSON file(s)")
    parser.add_argument("--baseline", help="an older run's JSON: print time ratios instead of the tables")
    args = parser.parse_args(argv)
    results = load(args.results)
    if args.baseline:
        print(compare(results, load([args.baseline])))
        return 0
    rules = fast_rows(results)
    rule_rows = [t for t in rules if t[0] not in CE_OPS + ("mlp",)]
    print("### Update rules (one step)\n")
    print(table(results, rule_rows, ["scalar", "torch"]))
    print("\n### Softmax cross-entropy (forward + backward, mean)\n")
    print(table(results, fast_rows(results, set(CE_OPS)), ["scalar", "torch"]))
    print("\n### MLP (forward + backward)\n")
    print(mlp_table(fast_rows(results, {"mlp"})))
    print("\n### Targets\n")
    print(targets(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
