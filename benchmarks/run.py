"""Benchmarks: blamegrad against micrograd (from PyPI) and hand-written floats, in one run.

    python3 dev.py bench                 # or: make bench; writes benchmarks/results/
    python benchmarks/run.py --quick     # smaller sizes, fewer repeats (a smoke run)

Every engine runs every workload in the same process, round-robin, so the ratios compare like
with like on a shared, noisy machine. Figures are medians over the repeats. The table is printed
as markdown and written to ``--out`` (``latest.md``, plus a timestamped copy and a JSON file).
Timings are never part of the pass/fail tests; this script is the only place they live.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workloads  # noqa: E402

ENGINES = ("ours", "compiled", "micrograd", "floats")
DEMO_ROW = "demo step: MLP(2,[16,16,1]), 100 moons"
NN_ROW = "demo step written with nn (nn.MLP, nn.losses)"
FIRST_ROW = "demo step: first step (compiled: + trace and codegen)"
BIG_GRAPH_ENGINES = ("ours", "micrograd", "floats")  # compile writes a line per node: not for 1e6 nodes


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "–"
    if math.isnan(s):
        return "RecursionError"
    if s >= 1.0:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.1f} µs"


def fmt_ratio(x: float | None, anchor: float | None) -> str:
    if x is None or anchor is None or anchor == 0.0 or math.isnan(x) or math.isnan(anchor):
        return "–"
    r = x / anchor
    return f"1/{1 / r:.0f}" if r < 0.1 else f"{r:.2f}x"


def median(xs: list[float | None]) -> float | None:
    if any(x is not None and math.isnan(x) for x in xs):
        return math.nan
    numbers = [x for x in xs if x is not None]
    return statistics.median(numbers) if numbers else None


def measure(args: argparse.Namespace, engines: tuple[str, ...]) -> dict[str, dict[str, float | None]]:
    rows: dict[str, dict[str, list]] = {DEMO_ROW: {}, FIRST_ROW: {}, NN_ROW: {}}  # the table's order

    def add(row: str, engine: str, value: float | None) -> None:
        rows.setdefault(row, {})
        rows[row].setdefault(engine, []).append(value)

    losses: dict[str, float] = {}
    for rep in range(args.repeats):
        print(f"[bench] round {rep + 1}/{args.repeats}", flush=True)
        # The demo step: the engines take turns step by step, so noise on a shared machine falls
        # on all of them alike. The first step warms caches up (and traces, for compiled).
        steppers = {(DEMO_ROW, e): workloads.demo_stepper(e) for e in engines}
        steppers.update({(NN_ROW, e): workloads.demo_stepper_nn(e) for e in engines if e in ("ours", "compiled")})
        for (row, engine), (step, ls) in steppers.items():
            first = workloads.clock(step)
            if row == DEMO_ROW:
                add(FIRST_ROW, engine, first)
            losses[engine if row == DEMO_ROW else f"{engine} (nn)"] = ls[0]
        for _ in range(args.steps):
            for (row, engine), (step, _) in steppers.items():
                add(row, engine, workloads.clock(step))
        del steppers
        for _ in range(5):  # ~10 ms each: several per round, the engines in turn
            for engine in engines:
                add("README expression fwd+bwd", engine, workloads.readme(engine))
        for engine in engines:
            if engine not in BIG_GRAPH_ENGINES:
                continue
            for n in args.chains:
                built, back = workloads.chain(engine, n)
                add(f"chain of {n:.0e} adds: build", engine, built)
                add(f"chain of {n:.0e} adds: backward", engine, back)
            built, back = workloads.sum_of_products(engine, args.sum_n)
            add(f"sum of {args.sum_n:.0e} products: build", engine, built)
            add(f"sum of {args.sum_n:.0e} products: backward", engine, back)
            if rep == 0:
                add("bytes per mul node (tracemalloc)", engine, workloads.bytes_per_node(engine))
    first = losses["micrograd"] if "micrograd" in losses else losses["ours"]
    for engine, loss in losses.items():
        if not math.isclose(loss, first, rel_tol=1e-9):
            raise SystemExit(f"[bench] engines disagree on the demo loss: {losses}")
    print(f"[bench] all engines agree on the first demo loss: {first:.12f}")
    return {row: {e: median(v) for e, v in by.items()} for row, by in rows.items()}


BATCHED_ROW = "demo step, batched over the 100 points"
BATCHED_ENGINES = ("batched", "mygrad", "floats", "ours")


def measure_batched(args: argparse.Namespace) -> dict[str, dict[str, float | None]]:
    """The demo step by batched replay against mygrad (batched as matrices) and the floats."""
    times: dict[str, list] = {}
    losses: dict[str, float] = {}
    for rep in range(args.repeats):
        steppers = {e: workloads.demo_stepper(e) for e in BATCHED_ENGINES}
        for engine, (step, ls) in steppers.items():
            workloads.clock(step)  # the first step: traces (batched), warms caches
            losses[engine] = ls[0]
        for _ in range(args.steps * 4):  # a batched step is ~1 ms: more of them
            for engine, (step, _) in steppers.items():
                times.setdefault(engine, []).append(workloads.clock(step))
    first = losses["floats"]
    if not all(math.isclose(v, first, rel_tol=1e-9) for v in losses.values()):
        raise SystemExit(f"[bench] batched engines disagree on the demo loss: {losses}")
    return {BATCHED_ROW: {e: median(v) for e, v in times.items()}}


def batched_table(results: dict[str, dict[str, float | None]]) -> str:
    by = results[BATCHED_ROW]
    head = ["workload", *BATCHED_ENGINES, "batched ÷ floats", "batched ÷ mygrad", "batched ÷ ours"]
    cells = [fmt_seconds(by.get(e)) for e in BATCHED_ENGINES]
    ratios = [fmt_ratio(by.get("batched"), by.get(e)) for e in ("floats", "mygrad", "ours")]
    return "\n".join(["| " + " | ".join(head) + " |", "|" + " --- |" * len(head), "| " + " | ".join([BATCHED_ROW, *cells, *ratios]) + " |"])


def digits_table(epochs: int, quick: bool) -> str:
    """The digits run: the full run by batched replay, and the eager engine's time per epoch."""
    run = workloads.digits_run(epochs, "batched")
    eager_epochs = 1
    eager = workloads.digits_run(eager_epochs, "eager", limit=300 if quick else None)
    per_epoch = eager["seconds"] / eager_epochs * (1 if not quick else 1437 / 300)
    return "\n".join([
        "| digits: MLP(64, [32, 10]), Adam, batches of 128 | time | test accuracy |",
        "| --- | --- | --- |",
        f"| batched replay, {epochs} epochs | {fmt_seconds(run['seconds'])} | {run['accuracy'] * 100:.1f}% |",
        f"| eager, one epoch (measured) | {fmt_seconds(per_epoch)} | – |",
        f"| eager, {epochs} epochs (that epoch x {epochs}) | {fmt_seconds(per_epoch * epochs)} | – |",
    ])


MEMORY = """
import resource, sys
try:  # the peak resident size starts at the parent's size at fork (Linux): reset it, read VmHWM
    open("/proc/self/clear_refs", "w").write("5")
    peak = lambda: int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024
except OSError:
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
sys.path.insert(0, {root!r})
import autograd
def chain(x):
    y = x
    for _ in range({n}):
        y = y + 1.0
    return y
f = autograd.compile(chain)
f.backward(autograd.Value(1.0))
print(peak())
"""


def compiled_memory_note(n: int) -> str:
    """Peak memory of tracing, compiling and replaying a chain of ``n`` adds, in a fresh interpreter."""
    import subprocess

    root = str(Path(__file__).resolve().parent.parent)
    done = subprocess.run([sys.executable, "-c", MEMORY.format(root=root, n=n)], capture_output=True, text=True, check=True)
    return (f"Compiled replay of a chain of {n:.0e} adds (trace, generated code, one backward): peak resident "
            f"memory {float(done.stdout):.0f} MB in a fresh interpreter (Python itself included).")


def import_note() -> str:
    """``import autograd, nn`` in milliseconds, the median of 15 fresh interpreters (import_time.py)."""
    import import_time

    import_time.seconds("import autograd, nn")  # the first run may write bytecode caches
    return (f"`import autograd, nn` takes {import_time.seconds('import autograd, nn') * 1e3:.1f} ms "
            "(median of 15 fresh interpreters with bytecode caches, Python's own start-up left out).")


def micrograd_rust_note() -> str:
    """Why micrograd-rust (PyPI) is not a column: it is a Rust source package that pip cannot build here."""
    return (
        "micrograd-rust (PyPI) is not in these tables: it ships only as source, and `pip install "
        "micrograd-rust` runs cargo, which must download its crates (pyo3) from the crates index; on "
        "this machine that index is unreachable (`Could not resolve host: index.crates.io`), so it "
        "cannot be built. The issue's figures for it were measured elsewhere."
    )


def table(results: dict[str, dict[str, float | None]], engines: tuple[str, ...]) -> str:
    head = ["workload", *engines] + [f"{e} ÷ micrograd" for e in engines if e != "micrograd"] + ["compiled ÷ floats"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for row, found in results.items():
        by = {e: found.get(e) for e in engines}
        if row == NN_ROW:  # micrograd's and the floats' figures for the same step, as the anchors
            by["micrograd"], by["floats"] = results[DEMO_ROW].get("micrograd"), results[DEMO_ROW].get("floats")
        if row.startswith("bytes"):
            cells = [f"{by[e]:.0f} B" if by[e] is not None else "–" for e in engines]
        else:
            cells = [fmt_seconds(by[e]) for e in engines]
        if row == NN_ROW:  # the anchors come from the row above: shown in parentheses
            cells = [f"({c})" if e in ("micrograd", "floats") else c for e, c in zip(engines, cells)]
        ratios = [fmt_ratio(by[e], by["micrograd"]) for e in engines if e != "micrograd"]
        ratios.append(fmt_ratio(by["compiled"], by["floats"]))
        lines.append("| " + " | ".join([row, *cells, *ratios]) + " |")
    return "\n".join(lines)


def machine() -> str:
    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="rounds over all workloads")
    parser.add_argument("--steps", type=int, default=5, help="demo training steps per round")
    parser.add_argument("--quick", action="store_true", help="small sizes, one round (a smoke run)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    args.chains = (100_000, 1_000_000)
    args.sum_n = 1_000_000
    if args.quick:
        args.repeats, args.steps, args.chains, args.sum_n = 1, 2, (10_000,), 10_000
    try:
        import micrograd  # noqa: F401
    except ImportError:
        raise SystemExit("[bench] micrograd is not installed: run `python3 dev.py bench` (or pip install micrograd)")

    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    results = measure(args, ENGINES)
    batched = measure_batched(args)
    print("[bench] digits (batched replay, then one eager epoch)", flush=True)
    digits = digits_table(3 if args.quick else 20, args.quick)
    text = "\n".join(
        [
            f"Benchmarks run {started} on {machine()}.",
            f"Command: `python3 dev.py bench{' --quick' if args.quick else ''}` "
            f"(medians of {args.repeats} rounds; the demo step over {args.repeats * args.steps} steps).",
            "",
            table(results, ENGINES),
            "",
            batched_table(batched),
            "",
            digits,
            "",
            compiled_memory_note(10_000 if args.quick else 100_000),
            "",
            import_note(),
            "",
            micrograd_rust_note(),
            "",
        ]
    )
    results.update(batched)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    (args.out / "latest.md").write_text(text)
    (args.out / f"bench-{stamp}.md").write_text(text)
    (args.out / f"bench-{stamp}.json").write_text(json.dumps({"machine": machine(), "results": results}, indent=1))
    print(f"[bench] wrote {args.out / 'latest.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
