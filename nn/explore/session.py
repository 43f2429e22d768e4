"""The explorer's session: one model, its data, its optimizer and its history, driven by calls.

Everything the page shows is computed here, by calling ``nn`` and ``autograd`` as any user would:
:func:`nn.training.step` for a step, a compiled forward (:func:`autograd.compile`) for the
decision regions and the losses, :func:`nn.draw` for the network, :func:`autograd.draw` and
:class:`autograd.Stepper` for the graph of one point. The server (:mod:`nn.explore.server`) only
turns requests into calls on a :class:`Session`; every call checks all its arguments first and
raises :class:`BadRequest` (a ``ValueError``) before changing anything.

>>> s = Session(seed=0)
>>> before = s.state()["history"]["train_loss"][-1]
>>> after = s.step()["history"]["train_loss"][-1]
>>> after < before, s.state()["step"]
(True, 1)
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import autograd
from autograd import Stepper, Value, no_grad

from .. import datasets, losses, optim
from ..mlp import MLP
from ..serialize import LoadError, load
from ..training import ACCURACY
from ..training import step as training_step
from . import replay
from .grid import Outputs

BOX = (-1.6, 1.6)
"""The data square shown on the page (both axes): every dataset is scaled into [-1, 1]."""
GRID = 50
"""Decision regions are evaluated on a GRID x GRID lattice over the box."""
MAX_POINTS = 2000
MAX_WIDTH = 64
MAX_LAYERS = 6
MAX_HISTORY = 5000
"""Steps kept for the curves and the replay (older ones are dropped)."""
VALIDATION = 0.2

DATASETS: dict[str, tuple[str, Callable[[int, float, int], tuple[list, list]]]] = {
    "moons": ("two moons", lambda n, noise, seed: datasets.moons(n, noise=noise, seed=seed)),
    "circles": ("circles", lambda n, noise, seed: datasets.circles(n, noise=noise / 2, seed=seed)),
    "xor": ("xor", lambda n, noise, seed: datasets.xor(n, noise=2 * noise, seed=seed)),
    "spiral": ("spiral (2 arms)", lambda n, noise, seed: datasets.spiral(n, classes=2, noise=noise, seed=seed)),
    "blobs": ("blobs (2)", lambda n, noise, seed: datasets.blobs(n, centers=2, std=5 * noise, seed=seed)),
    # The 3-class sets: a spiral with 3 arms, and the yin-yang (yin, yang and its two dots).
    "spiral3": ("spiral (3 classes)", lambda n, noise, seed: datasets.spiral(n, classes=3, noise=noise, seed=seed)),
    "yin_yang": ("yin-yang (3 classes)", lambda n, noise, seed: datasets.yin_yang(n, seed=seed)),
}
CLASSES = {"spiral3": 3, "yin_yang": 3}

BINARY_LOSSES = ("hinge", "binary_cross_entropy_with_logits", "mse")
MULTI_LOSSES = ("cross_entropy",)
OPTIMIZERS = ("sgd", "momentum", "adam", "adamw")
ACTIVATIONS = ("relu", "tanh", "sigmoid")
COLLAPSE = ("neuron", "layer", "none")

DEFAULTS: dict[str, Any] = {
    "dataset": "moons",
    "points": 100,
    "noise": 0.1,
    "hidden": [16, 16],
    "activation": "relu",
    "loss": "hinge",
    "optimizer": "sgd",
    "lr": 0.1,
    "l2": 0.0001,
    "batch_size": None,
    "seed": 0,
}
"""The settings a new session starts from; :meth:`Session.configure` changes any of them."""


class BadRequest(ValueError):
    """A request the session refuses (the message says what is wrong); nothing was changed."""


def _number(config: dict, key: str, low: float, high: float, low_open: bool = False) -> float:
    x = config[key]
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(float(x)):
        raise BadRequest(f"{key} must be a finite number, got {x!r}")
    x = float(x)
    if x > high or x < low or (low_open and x == low):
        side = ">" if low_open else ">="
        raise BadRequest(f"{key} must be {side} {low:g} and <= {high:g}, got {x!r}")
    return x


def _int(x: object, what: str, low: int, high: int) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise BadRequest(f"{what} must be an int, got {x!r}")
    if not low <= int(x) <= high:
        raise BadRequest(f"{what} must be between {low} and {high}, got {x!r}")
    return int(x)


def _choice(config: dict, key: str, options: tuple[str, ...]) -> str:
    x = config[key]
    if x not in options:
        raise BadRequest(f"{key} must be one of {', '.join(options)}, got {x!r}")
    return str(x)


def check_config(config: dict[str, Any]) -> dict[str, Any]:
    """A full settings dict, every value checked; :class:`BadRequest` names the first bad one."""
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise BadRequest(f"unknown setting {unknown[0]!r}; the settings are {', '.join(DEFAULTS)}")
    c = {**DEFAULTS, **config}
    c["dataset"] = _choice(c, "dataset", tuple(DATASETS))
    c["points"] = _int(c["points"], "points", 10, MAX_POINTS)
    c["noise"] = _number(c, "noise", 0.0, 1.0)
    hidden = c["hidden"]
    if not isinstance(hidden, list) or len(hidden) > MAX_LAYERS:
        raise BadRequest(f"hidden must be a list of at most {MAX_LAYERS} layer widths, got {hidden!r}")
    c["hidden"] = [_int(w, f"hidden[{i}]", 1, MAX_WIDTH) for i, w in enumerate(hidden)]
    c["activation"] = _choice(c, "activation", ACTIVATIONS)
    c["optimizer"] = _choice(c, "optimizer", OPTIMIZERS)
    c["lr"] = _number(c, "lr", 0.0, 10.0, low_open=True)
    c["l2"] = _number(c, "l2", 0.0, 1.0)
    if c["batch_size"] is not None:
        c["batch_size"] = _int(c["batch_size"], "batch_size", 1, MAX_POINTS)
    c["seed"] = _int(c["seed"], "seed", 0, 2**31 - 1)
    classes = CLASSES.get(c["dataset"], 2)
    allowed = MULTI_LOSSES if classes > 2 else BINARY_LOSSES
    if "loss" not in config:
        c["loss"] = allowed[0] if c["loss"] not in allowed else c["loss"]  # the dataset's first loss
    if c["loss"] not in allowed:
        raise BadRequest(f"loss must be one of {', '.join(allowed)} for {classes} classes, got {c['loss']!r}")
    return c


def _normalise(X: list[list[float]]) -> list[list[float]]:
    """Centre the points and scale the larger half-width to 1 (every dataset fills the same box)."""
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    return [[round((x - cx) / half, 6), round((y - cy) / half, 6)] for x, y in X]


def _optimizer(name: str, params: list[Value], lr: float, l2: float) -> optim.Optimizer:
    if name == "sgd":
        return optim.SGD(params, lr=lr)
    if name == "momentum":
        return optim.SGD(params, lr=lr, momentum=0.9)
    if name == "adam":
        return optim.Adam(params, lr=lr)
    return optim.AdamW(params, lr=lr, weight_decay=l2)  # AdamW: the L2 setting is its decoupled decay


def _segment(w0: float, w1: float, b: float) -> list[float] | None:
    """Where w0 x + w1 y + b = 0 crosses the box, as [x1, y1, x2, y2] (None when it misses)."""
    lo, hi = BOX
    points = []
    if w1 != 0.0:
        for x in (lo, hi):
            y = -(w0 * x + b) / w1
            if lo <= y <= hi:
                points.append((x, y))
    if w0 != 0.0:
        for y in (lo, hi):
            x = -(w1 * y + b) / w0
            if lo <= x <= hi:
                points.append((x, y))
    points = list(dict.fromkeys((round(x, 6), round(y, 6)) for x, y in points))
    if len(points) < 2:
        return None
    return [points[0][0], points[0][1], points[-1][0], points[-1][1]]


_EDGE_LABEL = re.compile(r"^(\t\w+ -> \w+ \[)label=", re.M)
_GROUP_LABEL = re.compile(r"^(\tg\d+ -> g\d+ \[)label=<[^>]*> ", re.M)


def _compact(dot: str) -> str:
    """Edge numbers as ``xlabel``s, placed after the layout, so the picture stays compact.

    Graphviz gives a labelled edge a rank of its own; with 256 edges between two layers of 16
    collapsed neurons, that stacks 256 placeholders in one column and the picture grows many
    times taller than wide. An ``xlabel`` shows the same number without taking part in the layout.
    Edges between two collapsed boxes lose their number (their tooltip keeps it; the boxes show
    their blame): 256 numbers in the gap between two layers cannot be read.
    """
    return _EDGE_LABEL.sub(r"\1xlabel=", _GROUP_LABEL.sub(r"\1", dot))


@dataclass
class Inspection:
    """The point whose loss graph is shown, and how far its backward pass has been stepped."""

    split: str
    index: int
    collapse: str = "neuron"
    position: int = 0
    sentences: list[str] = field(default_factory=list)


class Session:
    """A model, its data and its optimizer; every method returns the new :meth:`state`."""

    def __init__(
        self, model: MLP | None = None, dataset: str = "moons", seed: int = 0, workers: bool = False, **settings: Any
    ) -> None:
        """``workers=True``: half of each regions grid is evaluated in a helper process (see :mod:`.grid`)."""
        self._lock = threading.RLock()
        self._engine = Outputs(workers)
        self.config = check_config({"dataset": dataset, "seed": seed, **settings})
        self.train: tuple[list[list[float]], list[int]] = ([], [])
        self.val: tuple[list[list[float]], list[int]] = ([], [])
        self.history: dict[str, list[float | None]] = {}
        self.frames: list[replay.Frame] = []
        self.inspection: Inspection | None = None
        self.steps = 0
        self.last_loss: Value | None = None
        self.updates: list[float] = []
        self.version = 0
        """Grows with every change (the live page compares it)."""
        self._load_data()
        if model is not None:
            self._adopt(model)
        else:
            self._new_model()

    # -- building --------------------------------------------------------------------------------

    @property
    def classes(self) -> int:
        """How many classes the current dataset has."""
        return CLASSES.get(self.config["dataset"], 2)

    def _load_data(self) -> None:
        c = self.config
        X, y = DATASETS[c["dataset"]][1](c["points"], c["noise"], c["seed"])
        train, val = datasets.split(_normalise(X), [int(t) for t in y], VALIDATION, seed=c["seed"])
        self.train, self.val = (train[0], train[1]), (val[0], val[1])

    def _new_model(self) -> None:
        c = self.config
        nout = self.classes if self.classes > 2 else 1
        self._adopt(MLP(2, [*c["hidden"], nout], activation=c["activation"], rng=c["seed"] + self.version))

    def _adopt(self, model: MLP) -> None:
        if not isinstance(model, MLP) or model.nin != 2:
            raise BadRequest(f"the explorer trains an nn.MLP with 2 inputs, got {model!r}")
        nout = self.classes if self.classes > 2 else 1
        if model.nout != nout:
            raise BadRequest(f"the {self.config['dataset']} data needs {nout} output(s), the model has {model.nout}")
        self.model = model
        self.params = model.parameters()
        self.names = [name for name, _ in model.named_parameters()]
        self.optimizer = _optimizer(self.config["optimizer"], self.params, self.config["lr"], self.config["l2"])
        self.steps = 0
        self.last_loss = None
        self.updates = [0.0] * len(self.params)
        self.history = {"train_loss": [], "val_loss": [], "train_accuracy": [], "val_accuracy": []}
        self.frames = []
        self.inspection = None
        self._record()

    # -- the maths, through nn and autograd -----------------------------------------------------

    def _targets(self, labels: list[int]) -> list[float]:
        if self.config["loss"] == "hinge" or self.config["loss"] == "mse":
            return [2.0 * t - 1.0 for t in labels]  # scores aim at -1 / +1
        return [float(t) for t in labels]

    def _outputs(self, rows: list[list[float]]) -> list:
        # The regions and the curves read the model through a compiled forward: traced once per
        # model, replayed on floats at the current weights (no graph built); see nn.explore.grid.
        return self._engine.of(self.model, rows)

    def close(self) -> None:
        """Stop the helper process, if there is one."""
        self._engine.close()

    def _evaluate(self, split: tuple[list, list]) -> tuple[float | None, float | None]:
        rows, labels = split
        if not rows:
            return None, None
        outs = self._outputs(rows)
        targets = self._targets(labels)
        loss_fn = losses.LOSSES[self.config["loss"]]
        with no_grad():
            value = loss_fn(outs, targets).data
        accuracy = ACCURACY[loss_fn](outs, targets) if loss_fn in ACCURACY else None
        if self.config["loss"] == "mse":
            accuracy = ACCURACY[losses.hinge](outs, targets)  # scores on the right side of 0
        return value, accuracy

    def _record(self) -> None:
        """The curves' numbers and the replay's frame for the current weights."""
        h = self.history
        for split, loss_key, acc_key in ((self.train, "train_loss", "train_accuracy"), (self.val, "val_loss", "val_accuracy")):
            value, accuracy = self._evaluate(split)
            h[loss_key].append(value)
            h[acc_key].append(accuracy)
        if len(h["train_loss"]) > MAX_HISTORY:
            for k in h:
                del h[k][0]
        self._regions = self._grid()
        self.frames.append(replay.Frame(self.steps, self._regions[0], self._regions[1], self.train, self.val,
                                        h["train_loss"][-1], h["val_loss"][-1], h["train_accuracy"][-1]))
        if len(self.frames) > MAX_HISTORY:
            del self.frames[0]
        self.version += 1

    def _grid(self) -> tuple[list[int], list[float]]:
        """Per cell of the GRID x GRID lattice (rows from the top): the class and a confidence in [0, 1]."""
        lo, hi = BOX
        coords = [lo + (hi - lo) * (k + 0.5) / GRID for k in range(GRID)]
        cells = [[x, y] for y in reversed(coords) for x in coords]
        outs = self._outputs(cells)
        classes, confidence = [], []
        loss = self.config["loss"]
        for o in outs:
            if isinstance(o, list):  # class scores: softmax's top probability, 1/k -> 0, 1 -> 1
                top = max(o)
                exps = [math.exp(z - top) for z in o]
                p = 1.0 / sum(exps)
                classes.append(o.index(top))
                confidence.append((p - 1 / len(o)) / (1 - 1 / len(o)))
            else:
                classes.append(1 if o > 0 else 0)
                if loss == "binary_cross_entropy_with_logits":
                    confidence.append(abs(2.0 / (1.0 + math.exp(-max(min(o, 50.0), -50.0))) - 1.0))
                else:
                    confidence.append(min(abs(o), 1.0))  # a margin of 1 is full confidence
        return classes, [round(c, 3) for c in confidence]

    def _batch(self) -> tuple[list, list]:
        rows, labels = self.train
        size = self.config["batch_size"]
        if size is None or size >= len(rows):
            return rows, labels
        start = (self.steps * size) % len(rows)  # walk through the training set in order
        idx = [(start + k) % len(rows) for k in range(size)]
        return [rows[i] for i in idx], [labels[i] for i in idx]

    # -- the calls ---------------------------------------------------------------------------------

    def step(self, steps: int = 1) -> dict[str, Any]:
        """Train ``steps`` steps (one mini-batch each) with :func:`nn.training.step`."""
        steps = _int(steps, "steps", 1, 100)
        with self._lock:
            if not self.train[0]:
                raise BadRequest("there are no training points: add some by clicking on the data")
            loss = self.config["loss"]
            for _ in range(steps):
                rows, labels = self._batch()
                before = [p.data for p in self.params]
                l2 = 0.0 if self.config["optimizer"] == "adamw" else self.config["l2"]
                done = training_step(self.model, loss, self.optimizer, rows, self._targets(labels), l2, self.params)
                self.updates = [p.data - b for p, b in zip(self.params, before)]
                self.last_loss = done.loss
                self.steps += 1
                self._record()
            return self.state()

    def reset(self) -> dict[str, Any]:
        """New random weights (the next seed), a fresh optimizer, empty curves; the data stays."""
        with self._lock:
            self.version += 1
            self._new_model()
            return self.state()

    def configure(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Change settings; data settings make new data, architecture settings a new model."""
        if not isinstance(changes, dict):
            raise BadRequest(f"settings must be a JSON object, got {type(changes).__name__}")
        with self._lock:
            base = dict(self.config)
            dataset = changes.get("dataset")
            if isinstance(dataset, str) and "loss" not in changes and CLASSES.get(dataset, 2) != self.classes:
                del base["loss"]  # another number of classes: that dataset's first loss
            new = check_config({**base, **changes})
            old, self.config = self.config, new
            data = any(new[k] != old[k] for k in ("dataset", "points", "noise")) or "seed" in changes
            arch = data and self.classes != CLASSES.get(old["dataset"], 2)
            arch = arch or any(new[k] != old[k] for k in ("hidden", "activation", "seed"))
            if data:
                self._load_data()
            if arch:
                self._new_model()
            elif new["optimizer"] != old["optimizer"] or (new["optimizer"] == "adamw" and new["l2"] != old["l2"]):
                self.optimizer = _optimizer(new["optimizer"], self.params, new["lr"], new["l2"])
            elif new["lr"] != old["lr"]:
                self.optimizer.lr = new["lr"]
            if not arch and (data or new["loss"] != old["loss"]):
                self.inspection = None
                self._record_points()  # the same weights, measured again on the new data or loss
            self.version += 1
            return self.state()

    def add_point(self, x: object, y: object, label: object) -> dict[str, Any]:
        """Add a training point at ``(x, y)`` (inside the box) with class ``label``."""
        cfg = {"x": x, "y": y}
        px, py = (_number(cfg, k, BOX[0], BOX[1]) for k in ("x", "y"))
        label = _int(label, "label", 0, self.classes - 1)
        with self._lock:
            if len(self.train[0]) + len(self.val[0]) >= MAX_POINTS:
                raise BadRequest(f"the explorer holds at most {MAX_POINTS} points; remove some first")
            self.train = (self.train[0] + [[px, py]], self.train[1] + [label])
            self.inspection = None
            self._record_points()
            return self.state()

    def remove_point(self, split: object, index: object) -> dict[str, Any]:
        """Remove point ``index`` of ``split`` (``"train"`` or ``"val"``)."""
        with self._lock:
            rows, labels = self._split(split)
            i = _int(index, "index", 0, len(rows) - 1) if rows else _int(index, "index", 0, -1)
            kept = ([r for k, r in enumerate(rows) if k != i], [t for k, t in enumerate(labels) if k != i])
            if split == "train":
                self.train = kept
            else:
                self.val = kept
            self.inspection = None
            self._record_points()
            return self.state()

    def _record_points(self) -> None:
        """The data changed: the current weights' numbers are recorded again (same step)."""
        for k in self.history:
            self.history[k].pop()
        self.frames.pop()
        self._record()

    def _split(self, split: object) -> tuple[list, list]:
        if split == "train":
            return self.train
        if split == "val":
            return self.val
        raise BadRequest(f"split must be 'train' or 'val', got {split!r}")

    # -- the graph of one point -------------------------------------------------------------------

    def _point_loss(self, split: str, index: int) -> Value:
        rows, labels = self._split(split)
        x, t = rows[index], labels[index]
        out = self.model(x)
        target = self._targets([t])
        loss = losses.LOSSES[self.config["loss"]]([out], target)
        loss.label = "L"
        return loss

    def inspect(self, split: object, index: object, collapse: object = "neuron") -> dict[str, Any]:
        """Show the loss graph of one point; its backward steps are ready to walk."""
        if collapse not in COLLAPSE:
            raise BadRequest(f"collapse must be one of {', '.join(COLLAPSE)}, got {collapse!r}")
        with self._lock:
            rows, _ = self._split(split)
            i = _int(index, "index", 0, len(rows) - 1) if rows else _int(index, "index", 0, -1)
            saved = [p.grad for p in self.params]
            try:
                stepper = Stepper(self._point_loss(str(split), i))
                sentences = [str(s) for s in stepper.run()]
            finally:
                for p, g in zip(self.params, saved):
                    p.grad = g
            self.inspection = Inspection(str(split), i, str(collapse), 0, sentences)
            return self.point()

    def goto(self, position: object = None, collapse: object = None) -> dict[str, Any]:
        """Move the shown point's backward pass to ``position`` (0 = not started) or change its collapse."""
        with self._lock:
            ins = self.inspection
            if ins is None:
                raise BadRequest("no point is shown: click a data point first")
            if collapse is not None and collapse not in COLLAPSE:
                raise BadRequest(f"collapse must be one of {', '.join(COLLAPSE)}, got {collapse!r}")
            pos = ins.position if position is None else _int(position, "position", 0, len(ins.sentences))
            ins.position, ins.collapse = pos, (str(collapse) if collapse is not None else ins.collapse)
            return self.point()

    def point(self) -> dict[str, Any]:
        """The shown point: its graph drawn ``position`` steps into backward (as SVG), and the sentences."""
        from autograd.viz.render import to_bytes

        with self._lock:
            ins = self.inspection
            if ins is None:
                raise BadRequest("no point is shown: click a data point first")
            saved = [p.grad for p in self.params]
            try:
                loss = self._point_loss(ins.split, ins.index)
                for v in autograd.topological_order(loss):
                    v.grad = 0.0
                stepper = Stepper(loss)
                for _ in range(ins.position):
                    stepper.next()
                collapse = None if ins.collapse == "none" else ins.collapse
                dot = _compact(stepper.show(collapse=collapse, max_nodes=4000).source)  # type: ignore[union-attr]
                value = loss.data
            finally:
                for p, g in zip(self.params, saved):
                    p.grad = g
            rows, labels = self._split(ins.split)
        svg = to_bytes(dot, "svg").decode("utf-8")
        return {"split": ins.split, "index": ins.index, "x": rows[ins.index], "label": labels[ins.index],
                "loss": value, "collapse": ins.collapse, "position": ins.position, "total": len(ins.sentences),
                "sentences": ins.sentences, "svg": svg}

    # -- what the page shows ---------------------------------------------------------------------

    def network_dot(self) -> tuple[int, str]:
        """``(step, DOT source)`` of :func:`nn.draw` of the model with the last step's blame."""
        from ..viz.draw import draw

        with self._lock:
            return self.steps, draw(self.model, self.last_loss).source

    def zero_lines(self) -> list[list[float]]:
        """Each first-layer neuron's line w0 x + w1 y + b = 0, clipped to the box."""
        lines = []
        for n in self.model.layers[0].neurons:
            seg = _segment(n.w[0].data, n.w[1].data, n.b.data)
            if seg is not None:
                lines.append(seg)
        return lines

    def parameters_table(self) -> dict[str, Any]:
        """Per parameter: name, value, grad, the optimizer's state and the last update."""
        opt = self.optimizer
        columns = ["name", "value", "grad"]
        extra: list[list[float]] = []
        if isinstance(opt, optim.Adam):
            columns += ["m", "sqrt(v)"]
            extra = [opt.m, [math.sqrt(v) for v in opt.v]]
        elif isinstance(opt, optim.SGD) and opt.momentum:
            columns += ["velocity"]
            extra = [opt.velocity]
        columns.append("update")
        rows = []
        for i, (name, p) in enumerate(zip(self.names, self.params)):
            rows.append([name, p.data, p.grad, *(col[i] for col in extra), self.updates[i]])
        return {"columns": columns, "rows": rows}

    def state(self) -> dict[str, Any]:
        """Everything the page draws, as JSON-ready data."""
        with self._lock:
            classes, confidence = self._regions
            return {
                "version": self.version,
                "step": self.steps,
                "config": self.config,
                "choices": {
                    "dataset": {k: v[0] for k, v in DATASETS.items()},
                    "loss": list(MULTI_LOSSES if self.classes > 2 else BINARY_LOSSES),
                    "optimizer": list(OPTIMIZERS),
                    "activation": list(ACTIVATIONS),
                },
                "classes": self.classes,
                "box": list(BOX),
                "train": {"points": list(self.train[0]), "labels": list(self.train[1])},
                "val": {"points": list(self.val[0]), "labels": list(self.val[1])},
                "regions": {"n": GRID, "classes": classes, "confidence": confidence},
                "zero_lines": self.zero_lines(),
                "history": {k: list(v) for k, v in self.history.items()},  # a copy: training goes on
                "lr": self.optimizer.lr,
                "parameters": self.parameters_table(),
                "model": repr(self.model),
                "inspection": None if self.inspection is None else
                {"split": self.inspection.split, "index": self.inspection.index},
            }

    # -- saving ---------------------------------------------------------------------------------

    def model_json(self) -> str:
        """The model as :meth:`nn.Module.save` writes it."""
        with self._lock, tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.json")
            self.model.save(path)
            with open(path, encoding="utf-8") as f:
                return f.read()

    def load_model(self, text: object) -> dict[str, Any]:
        """Replace the model by one saved with :meth:`model_json` (or ``model.save``)."""
        if not isinstance(text, str):
            raise BadRequest("model must be the text of a model JSON file")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            try:
                model = load(path)
            except LoadError as error:
                raise BadRequest(str(error).replace(path, "the uploaded model")) from None
        if not isinstance(model, MLP) or model.nin != 2:
            raise BadRequest(f"the explorer trains an nn.MLP with 2 inputs, got {model!r}")
        widths = model.nouts[:-1]
        if len(widths) > MAX_LAYERS or any(w > MAX_WIDTH for w in widths):
            raise BadRequest(f"the model is larger than the explorer shows ({MAX_LAYERS} layers of {MAX_WIDTH})")
        with self._lock:
            nout = self.classes if self.classes > 2 else 1
            if model.nout != nout:
                raise BadRequest(f"the {self.config['dataset']} data needs {nout} output(s), the model has {model.nout}")
            self.config = {**self.config, "hidden": widths, "activation": model.activation}
            self._adopt(model)
            return self.state()

    def replay_html(self) -> str:
        """The session so far as one self-contained HTML page, one frame per step."""
        with self._lock:
            frames = list(self.frames)
            title = f"blamegrad explorer: {DATASETS[self.config['dataset']][0]}, {self.model!r}"
        return replay.page(frames, BOX, GRID, self.classes, title)


def dumps(state: dict[str, Any]) -> str:
    """JSON for the page (no NaN: an infinite or undefined number is sent as null)."""
    try:
        return json.dumps(state, separators=(",", ":"), allow_nan=False)
    except ValueError:  # a diverged model: walk the state once to replace the bad numbers
        return json.dumps(_finite(state), separators=(",", ":"), allow_nan=False)


def _finite(x: Any) -> Any:
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x
