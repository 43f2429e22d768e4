"""Timing ``autograd.draw`` against the number of scopes (issue 14, item 19): is it linear?

    python benchmarks/draw_scale.py            # 1k, 4k, 16k scopes
    python benchmarks/draw_scale.py --quick    # 500, 2k

Each size is a chain of one multiply per scope, ten neurons to a layer (``layers.k.neurons.j``),
drawn without ``collapse`` (one cluster per scope). Prints the median time of a few runs and the
ratio to the previous size: 4x the scopes should cost about 4x (it was 1k: 0.44 s, 4k: 3.4 s,
16k: 70 s before the clusters were written in one pass). The pass/fail check is the counted one
in tests/test_draw.py (``test_draw_is_linear_in_the_number_of_scopes``); timings live here only.
"""

from __future__ import annotations

import argparse
import statistics
import time

from autograd import Value, draw, scope


def scoped_chain(n: int) -> Value:
    x = Value(1.0, label="x")
    for i in range(n):
        with scope(f"layers.{i // 10}"), scope(f"neurons.{i % 10}"):
            x = x * 1.0
    x.backward()
    return x


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args(argv)
    sizes = (500, 2000) if args.quick else (1000, 4000, 16000)
    repeats = 2 if args.quick else 3
    previous = None
    print("| scopes | draw (median) | x previous |\n|---:|---:|---:|")
    for n in sizes:
        root = scoped_chain(n)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            draw(root, max_nodes=10 * n + 10)
            times.append(time.perf_counter() - start)
        t = statistics.median(times)
        ratio = f"{t / previous:.2f}x" if previous else "–"
        print(f"| {n} | {t:.3f} s | {ratio} |")
        previous = t


if __name__ == "__main__":
    main()
