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


def _png(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 5_000, path


def test_moons(tmp_path: Path, capsys) -> None:
    import nn

    run_demo("moons.py", "--out", str(tmp_path), "--tiny")
    _png(tmp_path / "moons_loss.png")
    _png(tmp_path / "moons_boundary.png")
    model = nn.load(tmp_path / "moons_model.json")
    assert model.num_parameters() == 337
    out = capsys.readouterr().out
    assert "337 parameters" in out and "step   0 loss" in out


def test_logistic_neuron(tmp_path: Path, capsys) -> None:
    run_demo("logistic_neuron.py", "--out", str(tmp_path), "--tiny")
    _png(tmp_path / "logistic_fit.png")
    assert "learned slope w =" in capsys.readouterr().out


def test_regression(tmp_path: Path) -> None:
    run_demo("regression.py", "--out", str(tmp_path), "--tiny")
    _png(tmp_path / "regression_fit.png")
    _png(tmp_path / "regression_loss.png")


def test_xor(tmp_path: Path, capsys) -> None:
    run_demo("xor.py", "--out", str(tmp_path), "--tiny")
    _png(tmp_path / "xor_boundaries.png")
    out = capsys.readouterr().out
    assert "one neuron" in out and "MLP(2, [4, 1])" in out


def test_overfitting(tmp_path: Path, capsys) -> None:
    run_demo("overfitting.py", "--out", str(tmp_path), "--tiny")
    _png(tmp_path / "overfitting.png")
    out = capsys.readouterr().out
    assert all(name in out for name in ("no regularisation", "L2", "dropout", "early stopping"))


def test_moons_writes_the_network_diagram_and_one_neurons_graph(tmp_path: Path) -> None:
    run_demo("moons.py", "--out", str(tmp_path), "--tiny")
    for stem in ("moons_network", "moons_neuron"):
        assert (tmp_path / f"{stem}.svg").read_text().lstrip().startswith("<?xml")
        assert (tmp_path / f"{stem}.png").read_bytes().startswith(b"\x89PNG")
    network = (tmp_path / "moons_network.svg").read_text()
    assert network.count('class="node"') == 2 + 16 + 16 + 1 + 4  # inputs, neurons, column titles (legend: caption)
    neuron = (tmp_path / "moons_neuron.svg").read_text()
    assert ">w.0<" in neuron and ">b<" in neuron and ">relu<" in neuron
@pytest.mark.needs_dot
def test_step_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_demo("step_through.py", "--out", str(tmp_path))
    printed = capsys.readouterr().out
    assert "step 1/5  o = tanh(n)   dL/do = 1.000   dL/dn += (1 - o^2) = 0.500 x 1.000 = 0.500" in printed
    assert "dL/dw1 += (x1) = 2.000 x 0.500 = 1.000" in printed and "1.000   = w1.grad" in printed
    assert "grads: x1 -1.5000  x2 +0.5000  w1 +1.0000  w2 +0.0000  b +0.5000" in printed
    page = (tmp_path / "step_through.html").read_text()
    assert "step 0/5  forward done" in page and "step 5/5  n1 = x1 * w1" in page
    assert len(list((tmp_path / "step_through_frames").glob("step_*.svg"))) == 6  # frame 0 and 5 steps


def test_digits(tmp_path: Path, capsys) -> None:
    pytest.importorskip("sklearn")
    run_demo("digits.py", "--out", str(tmp_path), "--tiny")
    _png(tmp_path / "digits_loss.png")
    _png(tmp_path / "digits_predictions.png")
    out = capsys.readouterr().out
    assert "2410 parameters" in out and "(batched replay)" in out and "test accuracy" in out
