"""How fast the training explorer trains with its page open: steps per second, and where time goes.

    .venv/bin/python benchmarks/explore.py            # after python3 dev.py test (or pip install -e .[all])
    .venv/bin/python benchmarks/explore.py --seconds 20

The workload of issue 13: MLP(2, [16, 16, 1]) on 100 moons (80 train, 20 validation), full batch,
each step followed by its page update: the decision regions on a 50x50 grid, the train and
validation losses and accuracies, the parameter table, the state pushed over the websocket, and
the network picture (nn.draw rendered by Graphviz in a thread of its own; the step rate counts
steps, the picture rate how many pictures reached the page). The page is open in headless
chromium (Playwright) and plays: this measures what a user sees. On a shared, loaded machine the
wall-clock rate says more about the neighbours than about us, so the CPU time each process spends
per step is printed too (the server process, the regions helper, Graphviz's runs), with the rate
two idle cores would allow. Then each part is timed alone in this process (medians). Timings
live here only, never in tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn  # noqa: E402
from nn.explore.session import Session, dumps  # noqa: E402

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def live(seconds: float) -> dict[str, Any]:
    """Play with the page open for ``seconds``; count steps and the frames the page received."""
    from playwright.sync_api import sync_playwright

    ex = nn.explore(port=0, open_browser=False, block=False, quiet=True)
    live_state = ex._server.config.app.state.live  # the server's pushes: pictures sent

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                        headless=True, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(ex.url)
            page.wait_for_selector("#network svg")
            page.click("#play")
            page.wait_for_selector("#play[data-playing='1']", state="attached")
            page.wait_for_timeout(1000)  # warm up (Playwright dispatches events while it waits)
            s0, p0, t0, u0 = ex.session.steps, live_state.pictures, time.perf_counter(), _cpu(ex)
            page.wait_for_timeout(seconds * 1000)
            s1, p1, t1, u1 = ex.session.steps, live_state.pictures, time.perf_counter(), _cpu(ex)
            shown = int(page.text_content("#step-count") or 0)
            page.click("#play")
            browser.close()
    finally:
        ex.stop()
    elapsed, steps = t1 - t0, max(s1 - s0, 1)
    return {"steps_per_s": (s1 - s0) / elapsed, "shown_lag": s1 - shown,
            "pictures_per_s": (p1 - p0) / elapsed, "seconds": elapsed,
            "cpu_ms_per_step": {k: (u1[k] - u0[k]) / steps * 1e3 for k in u0}}


def _cpu(ex: Any) -> dict[str, float]:
    """CPU seconds so far: this process (the server's threads), the regions helper, finished `dot` runs."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    helper = 0.0
    pool = ex.session._engine._pool
    for pid in (getattr(pool, "_processes", None) or {}):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            helper += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
    return {"server process": own.ru_utime + own.ru_stime, "regions helper": helper,
            "dot renders": kids.ru_utime + kids.ru_stime, "browser (chromium, driver)": _descendants_cpu() - helper}


def _descendants_cpu() -> float:
    """CPU seconds of the live processes started from this one (Linux /proc; 0 elsewhere)."""
    parent, cpu = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parent[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    mine, total = {os.getpid()}, 0.0
    for _ in range(8):  # a few generations deep
        for pid, ppid in parent.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                total += cpu[pid]
    return total


def parts(repeats: int) -> dict[str, float]:
    """Median milliseconds of each part of one step and its update, in this process."""
    from autograd.viz.render import to_bytes
    from nn.training import step as training_step

    s = Session(workers=True)
    times: dict[str, list[float]] = {k: [] for k in ("training step", "regions 50x50", "losses and accuracy",
                                                      "state to JSON", "network DOT (nn.draw)", "network render (dot)",
                                                      "whole session.step()")}
    for _ in range(repeats):
        t = time.perf_counter()
        rows, labels = s._batch()
        training_step(s.model, s.config["loss"], s.optimizer, rows, s._targets(labels), s.config["l2"], s.params)
        times["training step"].append(time.perf_counter() - t)
        t = time.perf_counter()
        s._grid()
        times["regions 50x50"].append(time.perf_counter() - t)
        t = time.perf_counter()
        s._evaluate(s.train)
        s._evaluate(s.val)
        times["losses and accuracy"].append(time.perf_counter() - t)
        t = time.perf_counter()
        state = s.step()
        times["whole session.step()"].append(time.perf_counter() - t)
        t = time.perf_counter()
        dumps(state)
        times["state to JSON"].append(time.perf_counter() - t)
        t = time.perf_counter()
        _, dot = s.network_dot()
        times["network DOT (nn.draw)"].append(time.perf_counter() - t)
        t = time.perf_counter()
        to_bytes(dot, "svg")
        times["network render (dot)"].append(time.perf_counter() - t)
    return {k: statistics.median(v) * 1e3 for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to play with the page open")
    parser.add_argument("--repeats", type=int, default=7, help="repeats of each part timed alone")
    args = parser.parse_args(argv)
    result = live(args.seconds)
    print(f"with the page open, playing for {result['seconds']:.1f} s:")
    print(f"  {result['steps_per_s']:.1f} steps/s (target >= 5), {result['pictures_per_s']:.1f} network pictures/s;"
          f" the page showed step {result['shown_lag']} behind at the end")
    cpu = result["cpu_ms_per_step"]
    print("  CPU per step: " + ", ".join(f"{k} {v:.0f} ms" for k, v in cpu.items()))
    busiest = max(cpu["server process"], cpu["regions helper"] + cpu["dot renders"] + cpu["browser (chromium, driver)"])
    print(f"  on two idle cores (the server on one, everything else on the other: {busiest:.0f} ms/step on the busier)"
          f" ~{1e3 / busiest:.1f} steps/s")
    print("each part alone, median ms:")
    for name, ms in parts(args.repeats).items():
        print(f"  {name:28s} {ms:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
