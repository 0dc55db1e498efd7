#!/usr/bin/env python3
"""Writes the candidate file of an implementation that follows other conventions:
each golden case evaluated by `gradref eval` with CHANGES (spec fields) applied,
its outputs correctly rounded to the golden's dtype; a case whose changed spec is
invalid is skipped. How cli/tests/data/explain/ was made:

  gradref golden --op adam --preset pytorch --spec '{"eps_root":0}' --count 6 --seed 7 \
      -o adam_pytorch.float32.json
  make_candidate.py gradref adam_pytorch.float32.json '{"eps_placement": "eps_hat"}' \
      "gradref eval with eps_placement eps_hat (the tensorflow preset's conventions)" \
      > adam_tensorflow.candidate.json
  make_candidate.py gradref adam_pytorch.float32.json '{}' \
      "gradref eval under the golden's own specs" > adam_pytorch.candidate.json
"""
import json
import subprocess
import sys


def main():
    gradref, golden_path, changes, implementation = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
    golden = json.load(open(golden_path))
    cases = []
    for case in golden["cases"]:
        spec = dict(case["spec"], **changes)
        run = subprocess.run([gradref, "eval", "--compact"], input=json.dumps(
            {"op": case["op"], "spec": spec, "inputs": case["inputs"]}), capture_output=True, text=True)
        if run.returncode != 0:
            cases.append({"skipped": json.loads(run.stdout or run.stderr).get("error", {}).get("message", "invalid")})
            continue
        outputs = json.loads(run.stdout)["outputs"]
        cases.append({"outputs": {name: {"shape": o["shape"], "data": o[golden["dtype"]]}
                                  for name, o in outputs.items() if name in case["outputs"]}})
    json.dump({"format": "gradref-candidate", "version": 1, "implementation": implementation, "op": golden["op"],
               "dtype": golden["dtype"], "cases": cases}, sys.stdout, indent=None)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
