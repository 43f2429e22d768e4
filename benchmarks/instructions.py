"""Instruction counts (valgrind's callgrind) for micrograd's README expression, forward and backward.

    python benchmarks/instructions.py          # needs valgrind (apt-get install valgrind)

Seconds move with the machine; instruction counts do not: the same program gives the same count
whatever else the machine is doing. This script counts, for ours and micrograd, the README
expression's forward pass and its backward pass separately, each as the count of a run that
does it 200 times minus the count of a run that does not. It shows where a fast eager engine
can win (the forward pass: recording a node) and where it cannot (the backward pass: every
engine walks the same nodes in Python).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPEAT = 200
ENGINES = ("ours", "micrograd", "floor")  # floor: the least a pure-Python eager engine does (floor.py)
PARTS = ("forward", "backward")

PROGRAM = """
import sys
sys.path[:0] = [{root!r}, {root!r} + "/benchmarks"]
from workloads import _engine_value, expression

Value = _engine_value({engine!r})
graphs = [expression(Value(-4.0), Value(2.0)) for _ in range({built})]
for g in graphs[:{backwards}]:
    g.backward()
"""


def count(engine: str, built: int, backwards: int) -> int:
    """Instructions callgrind counts for a whole run of PROGRAM (Python start-up included)."""
    root = str(Path(__file__).resolve().parent.parent)
    source = PROGRAM.format(root=root, engine=engine, built=built, backwards=backwards)
    done = subprocess.run(
        [shutil.which("valgrind") or "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", source],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"[instructions] callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


CHAIN = """
import sys
sys.path[:0] = [{root!r}, {root!r} + "/benchmarks"]
from workloads import _engine_value

Value = _engine_value({engine!r})
y = Value(1.0)
for _ in range({n}):
    y = y + 1.0
"""


def chain_count(engine: str, n: int) -> int:
    """Instructions for building a chain of ``n`` adds (start-up included)."""
    root = str(Path(__file__).resolve().parent.parent)
    done = subprocess.run(
        [shutil.which("valgrind") or "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         "-c", CHAIN.format(root=root, engine=engine, n=n)],
        capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=True,
    )
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))  # type: ignore[union-attr]


def main() -> int:
    if shutil.which("valgrind") is None:
        raise SystemExit("[instructions] valgrind is not installed: apt-get install valgrind")
    rows = []
    count("ours", 1, 1)  # a first run may write bytecode caches: not counted
    for engine in ENGINES:
        none, built, both = count(engine, 0, 0), count(engine, REPEAT, 0), count(engine, REPEAT, REPEAT)
        forward, backward = (built - none) / REPEAT, (both - built) / REPEAT
        rows.append((engine, forward, backward))
        print(f"[instructions] {engine}: forward {forward:,.0f}, backward {backward:,.0f}", flush=True)
    print("\n| README expression, instructions per run | forward | backward | both |")
    print("| --- | --- | --- | --- |")
    for engine, forward, backward in rows:
        print(f"| {engine} | {forward:,.0f} | {backward:,.0f} | {forward + backward:,.0f} |")
    (_, f_ours, b_ours), (_, f_mg, b_mg), (_, f_floor, b_floor) = rows
    print(f"\nours / micrograd: forward {f_ours / f_mg:.2f}x, backward {b_ours / b_mg:.2f}x, "
          f"both {(f_ours + b_ours) / (f_mg + b_mg):.2f}x")
    print(f"1/5 of micrograd's total is {(f_mg + b_mg) / 5:,.0f}: micrograd's backward alone is {b_mg:,.0f}")
    print(f"ours / floor: forward {f_ours / f_floor:.2f}x. The floor's forward alone ({f_floor:,.0f}) is the least any "
          "pure-Python engine spends recording these nodes (one method call and one slotted object per node, no checks).")
    per_add = {e: (chain_count(e, 10_000) - chain_count(e, 0)) / 10_000 for e in ("ours", "floor", "micrograd")}
    print("\n| chain of adds: instructions per add, build | ours | floor | micrograd |")
    print("| --- | --- | --- | --- |")
    print(f"| one `y = y + 1.0` | {per_add['ours']:,.0f} | {per_add['floor']:,.0f} | {per_add['micrograd']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
