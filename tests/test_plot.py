"""nn.plot: every figure is written as a PNG, for two-class, multi-class and regression models."""

from __future__ import annotations

from pathlib import Path

import pytest

import nn

pytest.importorskip("matplotlib")
from nn import plot  # noqa: E402


def is_png(path: str) -> bool:
    data = Path(path).read_bytes()
    return data.startswith(b"\x89PNG") and len(data) > 5_000


def test_every_figure(tmp_path: Path) -> None:
    X, y = nn.datasets.blobs(12, seed=0)
    model = nn.MLP(2, [3], rng=0)  # three scores: argmax colouring
    (Xt, yt), val = nn.datasets.split(X, y, 0.25)
    history = nn.fit(model, Xt, yt, loss="cross_entropy", epochs=2, validation=val, early_stopping=1, progress=False)
    assert is_png(plot.loss_curve(history, tmp_path / "loss.png"))
    assert is_png(plot.decision_boundary(model, X, y, tmp_path / "multi.png", resolution=10))
    Xb, yb = nn.datasets.moons(10, seed=0)
    neuron = nn.Neuron(2, activation="sigmoid", rng=0)
    assert is_png(plot.boundaries({"a": (neuron, 0.5), "b": (neuron, 0.2)}, Xb, yb, tmp_path / "two.png", resolution=10))
    assert is_png(plot.compare_curves({"run": history, "again": history}, tmp_path / "cmp.png", title="t"))
    Xs, ys = nn.datasets.sine(8, seed=0)
    reg = nn.MLP(1, [2, 1], rng=0)
    assert is_png(plot.fitted_curve({"mlp": lambda x: reg([x]).data}, Xs, ys, tmp_path / "fit.png", points=20))
