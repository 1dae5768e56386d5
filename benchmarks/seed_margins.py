"""How far each trained result the tests assert sits from its bar, over seeds and CPUs' last bits.

Runs the tests marked ``trained`` (an accuracy, a loss, an order of runs, checked through the ``claim``
fixture) at seeds 0-4, each with TF_ENABLE_ONEDNN_OPTS=0 and =1, and prints every claim with its bound, its
worst value over the ten runs and the margin left: a claim near its bar passes on one CPU and fails on
another, so the margins printed here are what the bars are set by.

    python -m benchmarks.seed_margins                      # 10 test runs, about 15 minutes on 2 cores
    python -m benchmarks.seed_margins --seeds 0 1 --onednn 0

The table is also written as JSON under benchmarks/results/.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


FAILED = []     # "test (seed S, oneDNN O): what failed", for the tests that failed other than by a claim


def run_claims(seed: int, onednn: str, claims_file: Path) -> int:
    """The trained tests at one seed and oneDNN setting; their claims appended to ``claims_file``."""
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": onednn}
    # "--option=value": a separate value that names an existing file would be taken for a test path
    command = [sys.executable, "-m", "pytest", "-m", "trained", "-q", "-rf", "-p", "no:cacheprovider",
               f"--trained-seed={seed}", f"--claims-file={claims_file}"]
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-200:]
    print(f"  seed {seed}, oneDNN {onednn}: {last}", flush=True)
    FAILED.extend(f"{line[len('FAILED '):].split(' - ')[0]} (seed {seed}, oneDNN {onednn})"
                  f"{': ' + line.split(' - ', 1)[1] if ' - ' in line else ''}"
                  for line in proc.stdout.splitlines() if line.startswith("FAILED "))
    return proc.returncode


def worst(rows: list) -> list:
    """One row per claim: its bound and the worst value over the runs (the one nearest the bar or past it)."""
    claims = {}
    for row in rows:
        claims.setdefault((row["test"].split("::")[-1], row["claim"], row["op"], row["bound"]), []).append(row)
    table = []
    for (test, claim, op, bound), runs in claims.items():
        low = op in (">=", ">")                 # a lower bound: the smallest value is the worst
        bad = min(runs, key=lambda r: r["value"]) if low else max(runs, key=lambda r: r["value"])
        margin = bad["value"] - bound if low else bound - bad["value"]
        table.append({"test": test, "claim": claim, "op": op, "bound": bound, "worst": bad["value"],
                      "worst_at": f"seed {bad['seed']}, oneDNN {bad['onednn']}", "margin": margin,
                      "runs": len(runs), "holds": all(r["value"] >= bound if op == ">=" else r["value"] > bound
                                                      if op == ">" else r["value"] <= bound if op == "<="
                                                      else r["value"] < bound for r in runs)})
    return table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.seed_margins", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4], help="seeds (default: 0 1 2 3 4)")
    parser.add_argument("--onednn", nargs="+", default=["0", "1"], choices=["0", "1"],
                        help="TF_ENABLE_ONEDNN_OPTS settings (default: 0 1)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        claims_file = Path(tmp) / "claims.jsonl"
        started = time.time()
        print(f"The tests marked trained, at seeds {args.seeds}, oneDNN {args.onednn}:")
        codes = [run_claims(seed, onednn, claims_file) for onednn in args.onednn for seed in args.seeds]
        rows = [json.loads(line) for line in claims_file.read_text().splitlines()] if claims_file.exists() else []
    table = worst(rows)
    print(f"\n{len(table)} claims, {len(args.seeds) * len(args.onednn)} runs each, {time.time() - started:.0f} s:\n")
    print(f"{'claim':<52} {'bar':>10} {'worst':>10} {'margin':>9}  worst at")
    for row in sorted(table, key=lambda r: (r["test"], r["claim"])):
        print(f"{row['claim'][:52]:<52} {row['op']:>2} {row['bound']:<7g} {row['worst']:>10.4g} "
              f"{row['margin']:>9.3g}  {row['worst_at']}{'' if row['holds'] else '  FAILS'}")
    if FAILED:                 # a test can fail before it reaches its claims: each such failure, by name
        print("\nTests that failed:")
        for line in FAILED:
            print(f"  {line}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"seed_margins_{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"seeds": args.seeds, "onednn": args.onednn, "claims": table, "failed": FAILED},
                               indent=1))
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return 0 if all(code == 0 for code in codes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
