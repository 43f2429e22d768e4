"""The eager demo step, this working tree against an older commit, in one run.

    python benchmarks/versions.py --rev main      # or any commit; --rounds 15 --steps 10

The old commit is unpacked with ``git archive`` into a temporary folder. Each round runs one
subprocess per version, in turn (old, new, old, new, ...), each timing ``--steps`` demo steps
(micrograd's MLP(2, [16, 16, 1]) on 100 moons, :func:`workloads.demo_stepper`) after one warm-up
step; the figure per version is the median over rounds of each round's median step. Alternating
makes a slow spell on a shared machine fall on both alike. Prints a markdown table with the ratio.

``--instructions`` counts instructions with valgrind's callgrind instead (the same count whatever
the machine's load): per version, a run of ``--steps`` + 1 steps minus a run of 1 step, divided by
``--steps``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SNIPPET = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1] + "/benchmarks")
sys.path.insert(0, sys.argv[1])
import autograd, workloads
assert autograd.__file__.startswith(sys.argv[1]), autograd.__file__
step, losses = workloads.demo_stepper("ours")
step()
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
print(json.dumps({"median": statistics.median(times), "loss": losses[-1]}))
"""


def unpack(rev: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    tar = into / "old.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as t:
        t.extractall(into / "old")  # noqa: S202 (our own repository's archive)
    return into / "old"


def time_once(tree: Path, steps: int) -> dict:
    out = subprocess.run([sys.executable, "-c", SNIPPET, str(tree), str(steps)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


ICOUNT = """
import sys
sys.path.insert(0, sys.argv[1] + "/benchmarks")
sys.path.insert(0, sys.argv[1])
import workloads
step, losses = workloads.demo_stepper("ours")
for _ in range(int(sys.argv[2])):
    step()
"""


def instructions(tree: Path, steps: int) -> int:
    import os
    import re
    import shutil

    done = subprocess.run(
        [shutil.which("valgrind") or "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, "-c", ICOUNT, str(tree), str(steps)],
        capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"[versions] callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="main", help="the older commit to compare against")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--instructions", action="store_true", help="count instructions (callgrind)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = unpack(args.rev, Path(tmp))
        if args.instructions:
            counts = {}
            for name, tree in (("old", old), ("new", ROOT)):
                counts[name] = (instructions(tree, args.steps + 1) - instructions(tree, 1)) / args.steps
            print(f"| version | instructions per demo step (callgrind, {args.steps} steps) |")
            print("|---|---|")
            print(f"| {args.rev} | {counts['old']:,.0f} |")
            print(f"| working tree | {counts['new']:,.0f} |")
            print(f"\nnew / old = {counts['new'] / counts['old']:.4f}")
            return
        results: dict[str, list[float]] = {"old": [], "new": []}
        losses = {}
        for _ in range(args.rounds):
            for name, tree in (("old", old), ("new", ROOT)):
                r = time_once(tree, args.steps)
                results[name].append(r["median"])
                losses[name] = r["loss"]
    old_s, new_s = (statistics.median(results[k]) for k in ("old", "new"))
    print(f"| version | demo step (median of {args.rounds} rounds x {args.steps} steps) | last loss |")
    print("|---|---|---|")
    print(f"| {args.rev} | {old_s * 1e3:.2f} ms | {losses['old']!r} |")
    print(f"| working tree | {new_s * 1e3:.2f} ms | {losses['new']!r} |")
    print(f"\nnew / old = {new_s / old_s:.3f}")


if __name__ == "__main__":
    main()
