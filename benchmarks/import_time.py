"""How long ``import autograd, nn`` takes, as instructions (callgrind) and as seconds.

    python benchmarks/import_time.py     # instruction counts need valgrind (apt-get install valgrind)

Each figure leaves Python's own start-up out (seconds are timed inside the process, instructions
are the import minus a bare ``python -c pass``), and bytecode caches are used, as on a user's machine.
Seconds are the median of 15 fresh interpreters; instructions do not depend on how busy the
machine is. The engine imports only what computing a gradient needs: drawing, stepping,
compiling, training and saving are imported when first used (:mod:`autograd.lazy`).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
# With bytecode caches, as a user's Python has them (some machines set PYTHONDONTWRITEBYTECODE,
# which makes every import compile its source again: that measures the compiler, not the import).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
TIMED = "import sys, time; sys.path.insert(0, {root!r}); t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def seconds(stmt: str) -> float:
    runs = [float(subprocess.run([sys.executable, "-c", TIMED.format(root=ROOT, stmt=stmt)], capture_output=True,
                                 text=True, check=True, env=ENV).stdout) for _ in range(15)]
    return statistics.median(runs)


def instructions(stmt: str) -> int:
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c",
         f"import sys; sys.path.insert(0, {ROOT!r}); {stmt}"],
        capture_output=True, text=True, check=True, env=ENV,
    )
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))  # type: ignore[union-attr]


def main() -> int:
    seconds("import autograd, nn")  # writes bytecode caches: not counted
    print("| import | ms (median of 15) | instructions |")
    print("| --- | --- | --- |")
    base = instructions("pass") if shutil.which("valgrind") else None
    for stmt in ("import autograd", "import autograd, nn"):
        count = f"{instructions(stmt) - base:,}" if base is not None else "(no valgrind)"
        print(f"| `{stmt}` | {seconds(stmt) * 1e3:.1f} | {count} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
