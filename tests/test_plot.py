"""nn.plot: every figure is written as a PNG; decision boundaries have labelled axes, smooth edges,
the first layer's zero lines on request, and one region colour per class for 3 or more classes."""

from __future__ import annotations

import math
import runpy
from pathlib import Path

import pytest

import nn

pytest.importorskip("matplotlib")
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nn import plot  # noqa: E402

DEMOS = Path(__file__).resolve().parent.parent / "demos"


def is_png(path: str) -> bool:
    data = Path(path).read_bytes()
    return data.startswith(b"\x89PNG") and len(data) > 5_000


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch) -> list:
    """The figures nn.plot writes, kept to look at their axes after the PNG is written."""
    figures: list = []
    real = plot._save

    def spy(fig, path):  # type: ignore[no-untyped-def]
        figures.append(fig)
        return real(fig, path)

    monkeypatch.setattr(plot, "_save", spy)
    return figures


def axes_on_canvas() -> tuple:
    fig = Figure(figsize=(5, 5))
    canvas = FigureCanvasAgg(fig)
    return fig, canvas, fig.add_subplot(1, 1, 1)


def pixel(canvas, ax, x: float, y: float) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """The rendered colour (0..1 RGB) at data point (x, y)."""
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    px, py = ax.transData.transform((x, y))
    row = rgba.shape[0] - int(round(py))
    return tuple(rgba[row, int(round(px)), :3] / 255.0)  # type: ignore[return-value]


def region(color: str) -> np.ndarray:
    """A class colour laid over white at the regions' alpha."""
    return plot.REGION_ALPHA * np.array(to_rgb(color)) + (1 - plot.REGION_ALPHA) * np.ones(3)


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


def test_boundary_pngs_have_labelled_axes_and_a_legend(tmp_path: Path, saved: list) -> None:
    X, y = nn.datasets.moons(30, seed=0, signed=True)
    model = nn.MLP(2, [4, 1], rng=0)
    assert is_png(plot.decision_boundary(model, X, y, tmp_path / "b.png", names=("width", "height")))
    assert is_png(plot.boundaries({"one": (model, 0.0), "two": (model, 0.5)}, X, y, tmp_path / "c.png"))
    first, second = saved
    (ax,) = first.axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("width", "height")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class -1", "class 1"]
    assert [(a.get_title(), a.get_xlabel(), a.get_ylabel()) for a in second.axes] == [("one", "x0", "x1"), ("two", "x0", "x1")]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 < min(p[0] for p in X) and x1 > max(p[0] for p in X) and y0 < min(p[1] for p in X)


def test_the_boundary_is_smooth_where_the_score_crosses_the_threshold() -> None:
    neuron = nn.Neuron(2, activation="linear", rng=0)
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, 2.0, -0.3  # x0 + 2 x1 = 0.3
    X, y = [[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]], [0, 1, 1, 0]
    for resolution in (20, 200):
        fig, _, ax = axes_on_canvas()
        plot.draw_boundary(ax, neuron, X, y, resolution=resolution)
        (edge,) = [c for c in ax.collections if type(c).__name__ in ("QuadContourSet", "ContourSet") and not c.filled]
        paths = edge.get_paths()
        vertices = np.concatenate([p.vertices for p in paths])
        off = np.abs(vertices[:, 0] + 2 * vertices[:, 1] - 0.3) / math.sqrt(5)
        assert len(vertices) >= resolution and off.max() < 1e-6  # on the true line, not a staircase


def test_three_classes_colour_their_regions_by_argmax() -> None:
    layer = nn.Layer(2, 3, activation="linear", rng=0)
    for n, (w0, w1) in zip(layer.neurons, [(1.0, 0.0), (-1.0, 0.0), (0.0, 2.0)]):
        n.w[0].data, n.w[1].data, n.b.data = w0, w1, 0.0  # scores x0, -x0, 2 x1
    X, y = [[-3.0, -3.0], [3.0, 3.0], [-3.0, 3.0], [3.0, -3.0]], [0, 1, 2, 0]
    fig, canvas, ax = axes_on_canvas()
    plot.draw_boundary(ax, layer, X, y, resolution=50, class_names=["east", "west", "north"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["east", "west", "north"]
    colors = plot.CLASS_COLORS
    for (px, py), k in [((1.5, -0.8), 0), ((-1.5, -0.8), 1), ((0.2, 2.0), 2), ((3.5, 0.5), 0)]:
        assert np.abs(np.array(pixel(canvas, ax, px, py)) - region(colors[k])).max() < 0.03, (px, py, k)
    points = [c for c in ax.collections if type(c).__name__ == "PathCollection"]
    assert [tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in points] == [tuple(np.round(to_rgb(colors[k]), 3)) for k in range(3)]


def test_grid_scores_match_the_engine() -> None:
    points = [[0.37 * k - 2.0, 0.11 * k * k % 3 - 1.5] for k in range(40)]
    for model in (nn.MLP(2, [5, 4, 1], activation="tanh", rng=1), nn.MLP(2, [6, 3], rng=2),
                  nn.MLP(2, [3, 1], output_activation="sigmoid", dropout=0.5, rng=3), nn.Neuron(2, "relu", rng=4)):
        expected = np.array(nn.predict(model, points))
        assert np.allclose(plot.grid_scores(model, points), expected, rtol=1e-12, atol=1e-12)
    mlp = nn.MLP(2, [3, 1], rng=0)
    assert np.allclose(plot.grid_scores(lambda x: mlp(x), points), np.array(nn.predict(mlp, points)))


def test_neuron_lines_are_the_first_layers_zero_lines() -> None:
    X, y = nn.datasets.moons(20, seed=0)
    model = nn.MLP(2, [5, 1], rng=3)
    fig, _, ax = axes_on_canvas()
    plot.draw_boundary(ax, model, X, y, resolution=30, neuron_lines=True)
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 5
    for line, n in zip(dashed, model.layers[0].neurons):
        for a, b in zip(*line.get_data()):
            assert abs(n.w[0].data * a + n.w[1].data * b + n.b.data) < 1e-9
    assert "neuron: w·x + b = 0" in [t.get_text() for t in ax.get_legend().get_texts()]
    fig, _, ax = axes_on_canvas()
    plot.draw_boundary(ax, model, X, y, resolution=30)
    assert not [line for line in ax.get_lines() if line.get_linestyle() == "--"]


def test_errors_name_the_argument() -> None:
    X, y = nn.datasets.moons(10, seed=0)
    fig, _, ax = axes_on_canvas()
    model = nn.MLP(2, [2, 1], rng=0)
    with pytest.raises(ValueError, match="nn.plot: neuron_lines needs an nn.MLP, nn.Layer or nn.Neuron with 2 inputs, got function"):
        plot.draw_boundary(ax, lambda x: model(x), X, y, resolution=5, neuron_lines=True)
    with pytest.raises(ValueError, match=r"class_names must be 2 strings \(one per label \[0, 1\]\)"):
        plot.draw_boundary(ax, model, X, y, resolution=5, class_names=["a"])
    with pytest.raises(ValueError, match="names must be 2 strings"):
        plot.draw_boundary(ax, model, X, y, resolution=5, names=["a"])
    with pytest.raises(ValueError, match="resolution must be an int >= 2, got 1"):
        plot.draw_boundary(ax, model, X, y, resolution=1)


def test_the_yin_yang_demo_writes_its_three_class_pictures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(DEMOS / "yin_yang.py"))["main"](["--out", str(tmp_path), "--tiny"])
    assert is_png(str(tmp_path / "yin_yang_boundary.png"))
    assert is_png(str(tmp_path / "yin_yang_data.png"))
    assert "3 classes" in capsys.readouterr().out
