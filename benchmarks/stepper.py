"""How the stepper's cost grows with the graph: seconds and memory per step, as ratios.

    .venv/bin/python benchmarks/stepper.py              # 25k, 100k and 400k steps (a few minutes)
    .venv/bin/python benchmarks/stepper.py --steps 10000 40000

Each measurement runs in a fresh interpreter (so the peak memory is its own) on a chain of
``tanh``, ``* 0.999`` and ``+ 0.001`` nodes (a step per op, a constant leaf per ``*`` and ``+``).
Times are CPU seconds (``time.process_time``) of the measured part only; the graph is built
untimed. Compare the columns within one run: ``x backward`` is the time over ``backward()``'s on
the same graph, ``growth`` the time over the previous row's, against how many more steps there
are (linear cost grows by the same factor as the steps). ``kept B/step`` is what stays allocated
afterwards (tracemalloc), ``peak MB`` the process's extra peak resident memory.

What we found (profiled with cProfile and ``gc.disable()``): the old stepper kept a full
``Step`` record per step (a frozen dataclass and one per input, each with its ``__dict__``),
about 500 bytes a step, and the cyclic garbage collector walked all of them again and again as
they piled up, so ``run()`` grew faster than the graph (4x the nodes: 8.5x the time). Now a
step keeps only what it changed (a tuple of floats, which the collector ignores) and a ``Step``
is made when you look at one: ``run()`` is linear and keeps about 110 bytes a step. A generator
consumer that keeps every Step (``list(backward_steps(y))``) still pays for those objects and the
collector's walks; iterate instead, or use the Stepper.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import gc, json, resource, sys, time, tracemalloc
sys.path.insert(0, {root!r})
from autograd import Stepper, Value, backward_steps

def chain(steps):
    y = Value(0.1, label="x")
    for i in range(steps // 3):
        y = (y.tanh() * 0.999) + 0.001
    return y

y = chain({steps})
mode = {mode!r}
gc.collect()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if mode == "kept":
    s = Stepper(y)
    tracemalloc.start()
    s.run()
    print(json.dumps({{"kept": tracemalloc.get_traced_memory()[0] / len(s)}}))
    raise SystemExit
t = time.process_time()
if mode == "backward()":
    y.backward()
elif mode == "Stepper.run()":
    Stepper(y).run()
elif mode == "run() then goto(0)":
    s = Stepper(y); s.run(); t = time.process_time(); s.goto(0)
elif mode == "for step in backward_steps()":
    for step in backward_steps(y):
        pass
elif mode == "list(backward_steps())":
    kept = list(backward_steps(y))
seconds = time.process_time() - t
peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
print(json.dumps({{"seconds": seconds, "peak": peak}}))
"""

MODES = ("backward()", "Stepper.run()", "run() then goto(0)", "for step in backward_steps()", "list(backward_steps())")


def measure(mode: str, steps: int) -> dict[str, float]:
    """One measurement in a fresh interpreter."""
    code = CHILD.format(root=str(ROOT), steps=steps, mode=mode)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[25_000, 100_000, 400_000])
    args = parser.parse_args(argv)
    print(f"{'what':30} {'steps':>8} {'CPU s':>7} {'x backward':>10} {'growth':>13} {'peak MB':>8}")
    for mode in MODES:
        previous: tuple[int, float] | None = None
        for steps in args.steps:
            got = measure(mode, steps)
            base = measure("backward()", steps)["seconds"] if mode != "backward()" else got["seconds"]
            growth = ""
            if previous is not None:
                growth = f"{got['seconds'] / max(previous[1], 1e-9):.1f}x / {steps / previous[0]:.0f}x"
            print(f"{mode:30} {steps:>8} {got['seconds']:>7.2f} {got['seconds'] / max(base, 1e-9):>10.1f} "
                  f"{growth:>13} {got['peak']:>8.0f}")
            previous = (steps, got["seconds"])
    for steps in args.steps:
        print(f"Stepper bookkeeping after run(), {steps} steps: {measure('kept', steps)['kept']:.0f} B/step kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
