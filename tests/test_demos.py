"""Every demo script runs end to end with small settings and writes what its docstring promises."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

DEMOS = Path(__file__).resolve().parent.parent / "demos"


def run_demo(name: str, *args: str) -> None:
    main = runpy.run_path(str(DEMOS / name))["main"]
    main(list(args))


def test_engine_tour(tmp_path: Path) -> None:
    run_demo("engine_tour.py", "--out", str(tmp_path))
    story = (tmp_path / "neuron_backward.txt").read_text()
    assert "w1.grad = +1.0000" in story and "x1.grad = -1.5000" in story
    png = (tmp_path / "derivatives.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


@pytest.mark.needs_dot
def test_step_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_demo("step_through.py", "--out", str(tmp_path))
    printed = capsys.readouterr().out
    assert "step 1/5  o = tanh(n)   dL/do = 1.000   dL/dn += (1 - o^2) = 0.500 x 1.000 = 0.500" in printed
    assert "dL/dw1 += (x1) = 2.000 x 0.500 = 1.000" in printed and "1.000   = w1.grad" in printed
    assert "grads: x1 -1.5000  x2 +0.5000  w1 +1.0000  w2 +0.0000  b +0.5000" in printed
    page = (tmp_path / "step_through.html").read_text()
    assert page.count("<template") == 5 and "step 5/5  n2 = x1 * w1" in page
    assert len(list((tmp_path / "step_through_frames").glob("step_*.svg"))) == 5
