"""Pictures of training: loss curves, decision boundaries, fitted curves (matplotlib, no pyplot).

Figures are drawn with matplotlib's Agg canvas directly, so nothing here touches pyplot's global
state or needs a display. matplotlib is the optional ``plot`` extra, imported when a function
is called. Every function writes a PNG to ``path`` and returns the path.

Decision boundaries (:func:`decision_boundary`, :func:`boundaries`, :func:`draw_boundary` on an
axes of your own) colour the plane by the predicted class: two classes from one score and a
threshold, or 3 and more by argmax, one colour per class, with labelled axes, smooth edges from
a 200 x 200 grid, and optionally the first layer's lines w.x + b = 0 (``neuron_lines=True``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..mlp import MLP, Layer, Neuron
from ..training import History, predict

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
CLASS_COLORS = ("#2166ac", "#b2182b", "#1b7837", "#762a83", "#e08214", "#35978f")
"""One colour per class (regions and points): blue, red, green, purple, orange, teal."""
REGION_ALPHA = 0.28


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("nn.plot needs matplotlib: pip install 'blamegrad[plot]' (or pip install matplotlib)") from None
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: str | os.PathLike) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.1)
    return str(path)


def loss_curve(history: History, path: str | os.PathLike, title: str = "training", xlabel: str = "epoch") -> str:
    """Loss per epoch (training and, if recorded, validation) and accuracy below it when known."""
    has_acc = any(a is not None for a in history.train_accuracy)
    fig = _figure(6.0, 6.0 if has_acc else 3.6)
    ax = fig.add_subplot(2 if has_acc else 1, 1, 1)
    epochs = range(history.epochs)
    ax.plot(epochs, history.train_loss, color=COLORS[0], label="training loss")
    if history.val_loss:
        ax.plot(range(len(history.val_loss)), history.val_loss, color=COLORS[1], label="validation loss")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    if has_acc:
        ax2 = fig.add_subplot(2, 1, 2)
        ax2.plot(epochs, [100 * (a or 0.0) for a in history.train_accuracy], color=COLORS[0], label="training")
        if any(a is not None for a in history.val_accuracy):
            ax2.plot(range(len(history.val_accuracy)), [100 * (a or 0.0) for a in history.val_accuracy], color=COLORS[1], label="validation")
        ax2.set_ylim(0, 105)
        ax2.set_xlabel(xlabel)
        ax2.set_ylabel("accuracy (%)")
        ax2.legend()
    return _save(fig, path)


def _grid(X: Sequence[Sequence[float]], resolution: int) -> tuple[list[float], list[float]]:
    xs = [float(p[0]) for p in X]
    ys = [float(p[1]) for p in X]
    pad_x, pad_y = 0.25 * (max(xs) - min(xs) or 1.0), 0.25 * (max(ys) - min(ys) or 1.0)
    gx = [min(xs) - pad_x + (max(xs) - min(xs) + 2 * pad_x) * i / (resolution - 1) for i in range(resolution)]
    gy = [min(ys) - pad_y + (max(ys) - min(ys) + 2 * pad_y) * i / (resolution - 1) for i in range(resolution)]
    return gx, gy


def _layers(model: Any) -> list | None:
    """The layers of an ``nn`` model as ``[(W, b, activation), ...]`` of plain floats, else None."""
    if isinstance(model, MLP):
        layers = model.layers
    elif isinstance(model, Layer):
        layers = [model]
    elif isinstance(model, Neuron):
        return [([list(w.data for w in model.w)], [model.b.data], model.activation)]
    else:
        return None
    return [([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons],
             layer.neurons[0].activation) for layer in layers]


def grid_scores(model: Callable, points: Sequence[Sequence[float]]) -> Any:
    """The model's outputs on many points as a numpy array: ``(n,)`` for one score, ``(n, k)`` for k.

    An ``nn.MLP``, ``nn.Layer`` or ``nn.Neuron`` is evaluated with numpy on its weights' values
    (the same sums and activations as the engine, in evaluation mode: no dropout), so a
    200 x 200 grid takes milliseconds. Any other callable goes through :func:`nn.predict`, one
    point at a time in the eager engine (about 0.3 ms a point for a 2-16-16-1 MLP): pass a
    smaller ``resolution`` for those.
    """
    import numpy as np

    layers = _layers(model)
    if layers is None:
        out = np.array(predict(model, points), dtype=float)
    else:
        out = np.asarray(points, dtype=float)
        for W, b, activation in layers:
            out = out @ np.array(W, dtype=float).T + np.array(b, dtype=float)
            if activation == "relu":
                out = np.maximum(out, 0.0)
            elif activation == "tanh":
                out = np.tanh(out)
            elif activation == "sigmoid":
                out = 0.5 * (1.0 + np.tanh(0.5 * out))  # = 1 / (1 + e^-z), without overflow
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    return out


def _class_colors(k: int) -> list[str]:
    return [CLASS_COLORS[c % len(CLASS_COLORS)] for c in range(k)]


def draw_boundary(
    ax: Any, model: Callable, X: Sequence, y: Sequence, resolution: int = 200, threshold: float = 0.0,
    title: str = "", *, names: Sequence[str] = ("x0", "x1"), neuron_lines: bool = False,
    class_names: Sequence[str] | None = None,
) -> None:
    """Colour the plane by the model's predicted class and scatter the points on top.

    One score: class "high" where it is above ``threshold``. Several scores: the class of the
    largest (argmax), one colour per class. The edges between regions are interpolated on the
    ``resolution`` x ``resolution`` grid, so they are smooth, and drawn as black lines.
    ``neuron_lines=True`` adds each first-layer neuron's line w.x + b = 0 (dashed), where its
    weighted sum changes sign: the ReLU "hinges" the network bends its boundary with.
    ``names`` label the axes; ``class_names`` name the classes in the legend (in label order).
    """
    import numpy as np

    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"nn.plot: resolution must be an int >= 2, got {resolution!r}")
    names = list(names)
    if len(names) != 2 or not all(isinstance(n, str) for n in names):
        raise ValueError(f"nn.plot: names must be 2 strings (the axes' labels), got {names!r}")
    gx, gy = _grid(X, resolution)
    grid = [[a, b] for b in gy for a in gx]
    scores = grid_scores(model, grid)
    labels = sorted(set(int(t) for t in y))
    if class_names is not None and (len(class_names) != len(labels) or not all(isinstance(c, str) for c in class_names)):
        raise ValueError(f"nn.plot: class_names must be {len(labels)} strings (one per label {labels}), got {class_names!r}")
    shown_names = dict(zip(labels, class_names)) if class_names is not None else {t: f"class {t}" for t in labels}
    if scores.ndim == 1:  # one score: two classes, split at the threshold
        z = scores.reshape(resolution, resolution)
        lo, hi = min(float(z.min()), threshold) - 1.0, max(float(z.max()), threshold) + 1.0
        regions = [((lo, threshold), 0), ((threshold, hi), 1)]
        fields = [(z, threshold)]
        colors = _class_colors(2)
        for (a, b), c in regions:
            ax.contourf(gx, gy, z, levels=[a, b], colors=[colors[c]], alpha=REGION_ALPHA)
        if len(labels) == 2:  # the lower label (0 or -1) is the low side
            point_class = {labels[0]: 0, labels[1]: 1}
        else:
            point_class = {label: int(label > threshold) for label in labels}
    else:  # one score per class: regions by argmax, each where its margin over the others is > 0
        k = max(scores.shape[1], len(labels))
        colors = _class_colors(k)
        fields = []
        for c in range(scores.shape[1]):
            others = np.delete(scores, c, axis=1).max(axis=1) if scores.shape[1] > 1 else np.full(len(scores), -np.inf)
            margin = (scores[:, c] - others).reshape(resolution, resolution)
            top = float(margin.max())
            if top > 0.0:
                ax.contourf(gx, gy, margin, levels=[0.0, top + 1.0], colors=[colors[c]], alpha=REGION_ALPHA)
            fields.append((margin, 0.0))
        point_class = {label: label if 0 <= label < k else i for i, label in enumerate(labels)}
    for field, level in fields:
        if float(field.min()) < level < float(field.max()):
            ax.contour(gx, gy, field, levels=[level], colors="k", linewidths=0.9)
    for label in labels:
        pts = [p for p, t in zip(X, y) if int(t) == label]
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=16, color=colors[point_class[label] % len(colors)],
                   edgecolors="k", linewidths=0.4, label=shown_names[label], zorder=3)
    if neuron_lines:
        _neuron_lines(ax, model, gx, gy)
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.legend(fontsize=8, loc="best", framealpha=0.85)  # "best": where it covers the fewest points
    ax.set_title(title)


def _panel_size(X: Sequence) -> tuple[float, float]:
    """Inches for one panel: the plot keeps x and y to the same scale, with room for the labels."""
    gx, gy = _grid(X, 2)
    aspect = (gy[-1] - gy[0]) / (gx[-1] - gx[0])
    width = 5.0
    return width, min(max(width * aspect, 2.5), 7.0) + 1.0


def _neuron_lines(ax: Any, model: Any, gx: list[float], gy: list[float]) -> None:
    """Each first-layer neuron's line w0 x0 + w1 x1 + b = 0, clipped to the plot."""
    layers = _layers(model)
    if layers is None or len(layers[0][0][0]) != 2:
        raise ValueError(
            f"nn.plot: neuron_lines needs an nn.MLP, nn.Layer or nn.Neuron with 2 inputs, got {type(model).__name__}"
        )
    W, b, _ = layers[0]
    x0, x1, y0, y1 = gx[0], gx[-1], gy[0], gy[-1]
    for j, ((w0, w1), c) in enumerate(zip(W, b)):
        if w0 == 0.0 and w1 == 0.0:
            continue
        if abs(w1) >= abs(w0):  # y = -(w0 x + b) / w1
            xs, ys = [x0, x1], [-(w0 * x0 + c) / w1, -(w0 * x1 + c) / w1]
        else:  # x = -(w1 y + b) / w0
            xs, ys = [-(w1 * y0 + c) / w0, -(w1 * y1 + c) / w0], [y0, y1]
        ax.plot(xs, ys, color="0.2", linestyle="--", linewidth=0.8, alpha=0.7,
                label="neuron: w·x + b = 0" if j == 0 else None)


def decision_boundary(
    model: Callable, X: Sequence, y: Sequence, path: str | os.PathLike, resolution: int = 200,
    threshold: float = 0.0, title: str = "decision boundary", *, names: Sequence[str] = ("x0", "x1"),
    neuron_lines: bool = False, class_names: Sequence[str] | None = None,
) -> str:
    """The plane coloured by predicted class (score > ``threshold``, or argmax), with the data."""
    fig = _figure(*_panel_size(X))
    draw_boundary(fig.add_subplot(1, 1, 1), model, X, y, resolution, threshold, title,
                  names=names, neuron_lines=neuron_lines, class_names=class_names)
    return _save(fig, path)


def boundaries(
    panels: Mapping[str, tuple[Callable, float]], X: Sequence, y: Sequence, path: str | os.PathLike,
    resolution: int = 200, *, names: Sequence[str] = ("x0", "x1"), neuron_lines: bool = False,
    class_names: Sequence[str] | None = None,
) -> str:
    """Several models' decision boundaries side by side: ``{title: (model, threshold)}``."""
    width, height = _panel_size(X)
    fig = _figure(width * len(panels), height)
    for k, (title, (model, threshold)) in enumerate(panels.items()):
        draw_boundary(fig.add_subplot(1, len(panels), k + 1), model, X, y, resolution, threshold, title,
                      names=names, neuron_lines=neuron_lines, class_names=class_names)
    return _save(fig, path)


def fitted_curve(
    curves: Mapping[str, Callable[[float], float]], X: Sequence, y: Sequence, path: str | os.PathLike,
    title: str = "fit", xlabel: str = "x", ylabel: str = "y", points: int = 200,
) -> str:
    """1-D data as dots and each named function of x as a line over the data's range."""
    fig = _figure(6.0, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    xs = [float(p[0]) for p in X]
    ax.scatter(xs, [float(t) for t in y], s=14, color="0.3", label="data", zorder=3)
    lo, hi = min(xs), max(xs)
    grid = [lo + (hi - lo) * i / (points - 1) for i in range(points)]
    for k, (name, f) in enumerate(curves.items()):
        ax.plot(grid, [f(x) for x in grid], color=COLORS[k % len(COLORS)], label=name)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return _save(fig, path)


def compare_curves(histories: Mapping[str, History], path: str | os.PathLike, title: str = "") -> str:
    """One panel per run: training vs validation loss, so over-fitting shows as a widening gap."""
    fig = _figure(4.2 * len(histories), 3.8)
    # Scale to the curves after the first 5 epochs: early spikes would flatten the rest.
    def settled(xs: list[float]) -> list[float]:
        return xs[min(5, len(xs) - 1) :] if xs else []

    top = max(max(settled(h.train_loss) + settled(h.val_loss)) for h in histories.values())
    for k, (name, h) in enumerate(histories.items()):
        ax = fig.add_subplot(1, len(histories), k + 1)
        ax.plot(range(h.epochs), h.train_loss, color=COLORS[0], label="training")
        ax.plot(range(len(h.val_loss)), h.val_loss, color=COLORS[1], label="validation")
        if h.best_epoch is not None:
            ax.axvline(h.best_epoch, color="0.6", linestyle=":", label=f"best epoch {h.best_epoch}")
        ax.set_ylim(0, top * 1.05)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        if k == 0:
            ax.set_ylabel("loss")
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return _save(fig, path)
