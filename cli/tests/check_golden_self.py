#!/usr/bin/env python3
"""Every bundled golden file is consistent with itself: its own `rounded` values,
the answer of a perfect kernel in the file's dtype, pass `gradref verify` against
it (each within its `bound`). A bound below the rounding error of a correctly
rounded output (a dtype the error model forgot, an output held in another
precision than the file says) fails here.

usage: check_golden_self.py GRADREF GOLDEN_DIR WORKDIR
"""
import glob
import json
import os
import re
import subprocess
import sys

GRADREF, GOLDEN, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(WORK, exist_ok=True)


def candidate_of(golden):
    """The golden file's `rounded` values as a gradref-candidate document."""
    cases = []
    for case in golden["cases"]:
        outputs = {name: {"shape": o["shape"], "data": o["rounded"]} for name, o in case["outputs"].items()}
        cases.append({"outputs": outputs})
    return {"format": "gradref-candidate", "version": 1, "implementation": "the golden file's rounded values",
            "op": golden["op"], "dtype": golden["dtype"], "cases": cases}


pairs = []
for path in sorted(glob.glob(os.path.join(GOLDEN, "*", "*.json"))):
    with open(path) as f:
        golden = json.load(f)
    name = os.path.relpath(path, GOLDEN).replace(os.sep, "__")
    out = os.path.join(WORK, name)
    with open(out, "w") as f:
        json.dump(candidate_of(golden), f)
    pairs += [path, out]

if not pairs:
    sys.exit("no golden files under " + GOLDEN)
r = subprocess.run([GRADREF, "verify", *pairs], capture_output=True, text=True)
if r.returncode != 0:
    lines = [l for l in r.stdout.splitlines()
             if "FAIL" in l or " failed (" in l or re.search(r" [1-9][0-9]* failed, ", l)]
    print("\n".join(lines[:200]))
    print(r.stderr[-5000:])
    sys.exit("gradref verify failed on a golden file's own rounded values (exit %d)" % r.returncode)
print("%d golden files pass against their own rounded values" % (len(pairs) // 2))
