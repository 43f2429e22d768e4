"""Pictures of training: loss curves, decision boundaries, fitted curves (matplotlib, no pyplot).

Figures are drawn with matplotlib's Agg canvas directly, so nothing here touches pyplot's global
state or needs a display. matplotlib is the optional ``plot`` extra, imported when a function
is called. Every function writes a PNG to ``path`` and returns the path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..training import History, predict

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


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
    fig.savefig(path, dpi=110)
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


def _classes(outputs: list, threshold: float) -> list[int]:
    if outputs and isinstance(outputs[0], list):
        return [row.index(max(row)) for row in outputs]
    return [1 if o > threshold else 0 for o in outputs]


def draw_boundary(ax: Any, model: Callable, X: Sequence, y: Sequence, resolution: int = 80, threshold: float = 0.0, title: str = "") -> None:
    """Colour the plane by the model's predicted class and scatter the points on top."""
    gx, gy = _grid(X, resolution)
    grid = [[a, b] for b in gy for a in gx]
    classes = _classes(predict(model, grid), threshold)
    z = [classes[i * resolution : (i + 1) * resolution] for i in range(resolution)]
    labels = sorted(set(int(t) for t in y))
    ax.contourf(gx, gy, z, levels=[v - 0.5 for v in range(max(len(labels), 2) + 1)], cmap="coolwarm" if len(labels) <= 2 else "viridis", alpha=0.35)
    for k, label in enumerate(labels):
        pts = [p for p, t in zip(X, y) if int(t) == label]
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=14, color=COLORS[k % len(COLORS)] if len(labels) > 2 else ("#3b4cc0", "#b40426")[k], edgecolors="k", linewidths=0.3, label=f"class {label}")
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(title)


def decision_boundary(model: Callable, X: Sequence, y: Sequence, path: str | os.PathLike, resolution: int = 80, threshold: float = 0.0, title: str = "decision boundary") -> str:
    """The plane coloured by predicted class (score > ``threshold``, or argmax), with the data."""
    fig = _figure(5.5, 5.0)
    draw_boundary(fig.add_subplot(1, 1, 1), model, X, y, resolution, threshold, title)
    return _save(fig, path)


def boundaries(panels: Mapping[str, tuple[Callable, float]], X: Sequence, y: Sequence, path: str | os.PathLike, resolution: int = 80) -> str:
    """Several models' decision boundaries side by side: ``{title: (model, threshold)}``."""
    fig = _figure(5.0 * len(panels), 4.6)
    for k, (title, (model, threshold)) in enumerate(panels.items()):
        draw_boundary(fig.add_subplot(1, len(panels), k + 1), model, X, y, resolution, threshold, title)
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
