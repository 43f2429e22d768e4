"""Small seeded datasets for learning: classification in 2-D, and noisy 1-D regression.

Each returns ``(X, y)`` as plain lists: ``X`` is a list of points (each a list of floats), ``y``
a list of labels (ints) or targets (floats). The same ``seed`` gives the same data, bit for bit.

Two-class sets give labels 0 and 1, or -1 and +1 with ``signed=True`` (what :func:`nn.losses.hinge`
expects). Multi-class sets give labels 0..k-1.

- :func:`moons`: two interleaving half circles (scikit-learn's ``make_moons``, micrograd's demo).
- :func:`circles`: a small circle inside a large one.
- :func:`xor`: four clusters at the corners; opposite corners share a label.
- :func:`spiral`: ``classes`` interleaved spiral arms (CS231n's example).
- :func:`blobs`: ``centers`` Gaussian clusters placed evenly on a circle.
- :func:`yin_yang`: the yin-yang symbol, three classes (yin, yang, the two dots); no straight
  line separates any class from the others (after Kriener et al., 2021).
- :func:`line`: y = slope * x + intercept + noise.
- :func:`sine`: y = sin(x) + noise for x in [-pi, pi].
- :func:`digits`: scikit-learn's 8x8 handwritten digits (64 pixels, labels 0..9; needs scikit-learn).

>>> X, y = moons(4, seed=0)
>>> len(X), len(X[0]), sorted(y)
(4, 2, [0, 0, 1, 1])
>>> moons(4, seed=0) == moons(4, seed=0)
True
"""

from __future__ import annotations

import math
import numbers
import random

from autograd.value import is_finite

from .init import Rng, make_rng

Dataset = tuple[list[list[float]], list]


def _count(n: object, where: str, least: int = 1, what: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or int(n) < least:
        raise ValueError(f"nn.datasets.{where}: {what} must be an int >= {least}, got {n!r}")
    return int(n)


def _scale(x: object, where: str, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not is_finite(x) or float(x) < 0:
        raise ValueError(f"nn.datasets.{where}: {what} must be a finite number >= 0, got {x!r}")
    return float(x)


def _rng(seed: Rng, where: str) -> random.Random:
    if seed is None:
        raise TypeError(f"nn.datasets.{where}: seed must be an int or a random.Random, got None")
    return make_rng(int(seed) if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) else seed, f"nn.datasets.{where}")


def _finish(points: list[list[float]], labels: list, rng: random.Random, signed: bool = False) -> Dataset:
    order = list(range(len(points)))
    rng.shuffle(order)
    if signed:
        labels = [2 * t - 1 for t in labels]
    return [points[i] for i in order], [labels[i] for i in order]


def moons(n: int = 100, noise: float = 0.1, seed: Rng = 0, signed: bool = False) -> Dataset:
    """Two interleaving half circles, ``n`` points (label 0: upper moon, 1: lower moon)."""
    n, noise, rng = _count(n, "moons", 2), _scale(noise, "moons", "noise"), _rng(seed, "moons")
    n_out = n // 2
    n_in = n - n_out
    points, labels = [], []
    for k in range(n_out):
        t = math.pi * k / max(n_out - 1, 1)
        points.append([math.cos(t), math.sin(t)])
        labels.append(0)
    for k in range(n_in):
        t = math.pi * k / max(n_in - 1, 1)
        points.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        labels.append(1)
    points = [[x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)] for x, y in points]
    return _finish(points, labels, rng, signed)


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Rng = 0, signed: bool = False) -> Dataset:
    """A circle of radius ``factor`` (label 1) inside one of radius 1 (label 0)."""
    n, noise, rng = _count(n, "circles", 2), _scale(noise, "circles", "noise"), _rng(seed, "circles")
    factor = _scale(factor, "circles", "factor")
    n_out = n // 2
    points, labels = [], []
    for count, radius, label in ((n_out, 1.0, 0), (n - n_out, factor, 1)):
        for k in range(count):
            t = 2 * math.pi * k / count
            points.append([radius * math.cos(t) + rng.gauss(0.0, noise), radius * math.sin(t) + rng.gauss(0.0, noise)])
            labels.append(label)
    return _finish(points, labels, rng, signed)


def xor(n: int = 100, noise: float = 0.2, seed: Rng = 0, signed: bool = False) -> Dataset:
    """Clusters around (+-1, +-1): label 1 where the signs differ (no straight line separates them)."""
    n, noise, rng = _count(n, "xor"), _scale(noise, "xor", "noise"), _rng(seed, "xor")
    corners = [(1.0, 1.0), (-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0)]
    points, labels = [], []
    for k in range(n):
        cx, cy = corners[k % 4]
        points.append([cx + rng.gauss(0.0, noise), cy + rng.gauss(0.0, noise)])
        labels.append(0 if cx == cy else 1)
    return _finish(points, labels, rng, signed)


def spiral(n: int = 150, classes: int = 3, noise: float = 0.2, seed: Rng = 0) -> Dataset:
    """``classes`` spiral arms from the centre, ``n`` points in all, labels 0..classes-1."""
    n, noise, rng = _count(n, "spiral"), _scale(noise, "spiral", "noise"), _rng(seed, "spiral")
    classes = _count(classes, "spiral", 2, "classes")
    points, labels = [], []
    for k in range(n):
        c = k % classes
        r = (k // classes + 1) / (n // classes + 1)  # radius grows along the arm
        t = c * 2 * math.pi / classes + 4.0 * r + rng.gauss(0.0, noise)
        points.append([r * math.sin(t), r * math.cos(t)])
        labels.append(c)
    return _finish(points, labels, rng)


def blobs(n: int = 100, centers: int = 3, std: float = 0.5, seed: Rng = 0) -> Dataset:
    """``centers`` round Gaussian clusters of spread ``std``, centred on a circle of radius 3."""
    n, std, rng = _count(n, "blobs"), _scale(std, "blobs", "std"), _rng(seed, "blobs")
    centers = _count(centers, "blobs", 1, "centers")
    points, labels = [], []
    for k in range(n):
        c = k % centers
        a = 2 * math.pi * c / centers
        points.append([3 * math.cos(a) + rng.gauss(0.0, std), 3 * math.sin(a) + rng.gauss(0.0, std)])
        labels.append(c)
    return _finish(points, labels, rng)


def yin_yang(n: int = 150, r_dot: float = 0.2, seed: Rng = 0) -> Dataset:
    """The yin-yang symbol in the disc of radius 1: label 0 yin, 1 yang, 2 the two dots.

    Points are uniform in their class's region and the classes take turns (``n // 3`` each, the
    first ``n % 3`` classes one more), so the small dots get as many points as the large halves.
    Yin is the left half plus the upper small disc (radius 1/2, centre (0, 1/2)), yang the right
    half plus the lower one; the dots are discs of radius ``r_dot`` at (0, +-1/2). No noise: every
    label is exactly right for its point.
    """
    n, rng = _count(n, "yin_yang", 3), _rng(seed, "yin_yang")
    r_dot = _scale(r_dot, "yin_yang", "r_dot")
    if not 0.0 < r_dot < 0.5:
        raise ValueError(f"nn.datasets.yin_yang: r_dot must be in (0, 0.5), got {r_dot!r}")
    points, labels = [], []
    for k in range(n):
        want = k % 3
        while True:  # rejection sampling: a uniform point of the disc, until it is of class `want`
            x, y = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
            if x * x + y * y <= 1.0 and _yin_yang_class(x, y, r_dot) == want:
                break
        points.append([x, y])
        labels.append(want)
    return _finish(points, labels, rng)


def _yin_yang_class(x: float, y: float, r_dot: float) -> int:
    upper = math.hypot(x, y - 0.5)  # distance to the centre of the upper small disc
    lower = math.hypot(x, y + 0.5)
    if upper < r_dot or lower < r_dot:
        return 2
    if upper <= 0.5 or (x < 0.0 and lower > 0.5):
        return 0
    return 1


def line(n: int = 50, slope: float = 2.0, intercept: float = -1.0, noise: float = 0.3, seed: Rng = 0) -> Dataset:
    """``n`` points x in [-1, 1] with y = slope * x + intercept + Gaussian noise."""
    n, noise, rng = _count(n, "line"), _scale(noise, "line", "noise"), _rng(seed, "line")
    for name, v in (("slope", slope), ("intercept", intercept)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not is_finite(v):
            raise ValueError(f"nn.datasets.line: {name} must be a finite number, got {v!r}")
    xs = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    return [[x] for x in xs], [float(slope) * x + float(intercept) + rng.gauss(0.0, noise) for x in xs]


def sine(n: int = 50, noise: float = 0.1, seed: Rng = 0) -> Dataset:
    """``n`` points x in [-pi, pi] with y = sin(x) + Gaussian noise."""
    n, noise, rng = _count(n, "sine"), _scale(noise, "sine", "noise"), _rng(seed, "sine")
    xs = [rng.uniform(-math.pi, math.pi) for _ in range(n)]
    return [[x] for x in xs], [math.sin(x) + rng.gauss(0.0, noise) for x in xs]


def split(X: list, y: list, fraction: float = 0.2, seed: Rng = 0) -> tuple[Dataset, Dataset]:
    """Shuffle and split into ``(train, validation)``, ``fraction`` of the points going to validation."""
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real) or not 0.0 < fraction < 1.0:
        raise ValueError(f"nn.datasets.split: fraction must be in (0, 1), got {fraction!r}")
    for name, data in (("X", X), ("y", y)):
        if isinstance(data, (str, bytes, bytearray)) or not hasattr(data, "__iter__"):
            raise TypeError(f"nn.datasets.split: {name} must be a list, got {type(data).__name__} ({data!r:.80})")
    X, y = list(X), list(y)
    if len(X) != len(y) or len(X) < 2:
        raise ValueError(f"nn.datasets.split: need at least 2 points and as many labels, got {len(X)} points and {len(y)} labels")
    order = list(range(len(X)))
    _rng(seed, "split").shuffle(order)
    k = min(max(1, round(len(X) * float(fraction))), len(X) - 1)
    val, train = order[:k], order[k:]
    return ([X[i] for i in train], [y[i] for i in train]), ([X[i] for i in val], [y[i] for i in val])


def digits() -> Dataset:
    """The 8x8 handwritten digits scikit-learn ships (1,797 images, no download): pixels in [0, 1].

    Each point is the 64 pixels of one image, row by row, scaled from 0..16 to [0, 1]; labels are
    the digits 0..9. Needs scikit-learn (the ``digits`` extra): its copy of the UCI data is read
    from the installed package, never fetched.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ModuleNotFoundError('nn.datasets.digits: needs scikit-learn: pip install "blamegrad[digits]"') from None
    data = load_digits()
    return [[float(p) / 16.0 for p in row] for row in data.data.tolist()], [int(t) for t in data.target.tolist()]
