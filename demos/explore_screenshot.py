"""The README's picture of the training explorer: a 1280x800 screenshot of the page mid-training.

    .venv/bin/python demos/explore_screenshot.py --out docs      # writes docs/explore.png

Starts the explorer (``nn.explore``) on a free port, trains 60 steps on the two moons with
Adam, clicks one training point so its loss graph shows, steps that point's backward a few
nodes in, and photographs the page in headless chromium (Playwright, Debian's ``chromium``).
The PNG is then quantised to a palette (Pillow, when installed) so it stays small in the repo.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import nn

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def shoot(out: Path, steps: int = 60, seed: int = 0) -> Path:
    """Train ``steps`` steps, show one point's graph, save ``out/explore.png``; returns its path."""
    from playwright.sync_api import sync_playwright

    ex = nn.explore(port=0, open_browser=False, block=False, quiet=True, seed=seed, optimizer="adam", lr=0.02)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "explore.png"
    try:
        for _ in range(steps // 10):
            ex.session.step(10)
        session = ex.session
        # The training point with the smallest |score|: the one the boundary is still deciding.
        scores = [abs(o) for o in session._outputs(session.train[0])]
        index = scores.index(min(scores))
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            context = p.chromium.launch_persistent_context(
                profile, executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True,
                args=CHROMIUM_FLAGS, viewport={"width": 1280, "height": 800},
            )
            page = context.new_page()
            page.goto(ex.url)
            page.wait_for_selector(f"#network[data-step='{session.steps}']", state="attached")
            box = page.locator("#data").bounding_box()
            x, y = session.train[0][index]
            page.mouse.click(box["x"] + (x + 1.6) / 3.2 * box["width"], box["y"] + (1.6 - y) / 3.2 * box["height"])
            page.wait_for_selector("#point-graph svg")
            for k in range(1, 4):
                page.click("#point-next")
                page.wait_for_selector(f"#point-graph[data-position='{k}']", state="attached")
            page.screenshot(path=str(path))
            context.close()
    finally:
        ex.stop()
    _shrink(path)
    return path


def _shrink(path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"), help="folder for explore.png (default: docs)")
    parser.add_argument("--steps", type=int, default=60, help="training steps before the picture")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    path = shoot(args.out, args.steps, args.seed)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
