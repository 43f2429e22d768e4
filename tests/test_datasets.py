"""nn.datasets: shapes, label sets, determinism, and argument errors."""

from __future__ import annotations

import math
import random

import pytest

from nn import datasets

CLASSIFICATION = {
    "moons": (datasets.moons, {0, 1}),
    "circles": (datasets.circles, {0, 1}),
    "xor": (datasets.xor, {0, 1}),
    "spiral": (datasets.spiral, {0, 1, 2}),
    "blobs": (datasets.blobs, {0, 1, 2}),
    "yin_yang": (datasets.yin_yang, {0, 1, 2}),
}


@pytest.mark.parametrize("name", list(CLASSIFICATION))
def test_classification_shapes_labels_and_determinism(name: str) -> None:
    make, labels = CLASSIFICATION[name]
    X, y = make(60, seed=5)
    assert len(X) == len(y) == 60
    assert all(type(row) is list and len(row) == 2 and all(type(v) is float for v in row) for row in X)
    assert set(y) == labels and all(type(t) is int for t in y)
    assert make(60, seed=5) == (X, y)
    assert make(60, seed=random.Random(5)) == (X, y)
    assert make(60, seed=6) != (X, y)


@pytest.mark.parametrize("make", [datasets.moons, datasets.circles, datasets.xor])
def test_signed_labels_for_hinge(make) -> None:
    X, y = make(20, seed=0)
    Xs, ys = make(20, seed=0, signed=True)
    assert Xs == X and ys == [2 * t - 1 for t in y] and set(ys) == {-1, 1}


@pytest.mark.parametrize("make", [datasets.line, datasets.sine])
def test_regression_shapes_and_determinism(make) -> None:
    X, y = make(30, seed=2)
    assert len(X) == len(y) == 30 and all(len(row) == 1 for row in X)
    assert all(type(t) is float for t in y)
    assert make(30, seed=2) == (X, y) != make(30, seed=3)


def test_noise_free_data_follows_the_formula() -> None:
    X, y = datasets.line(10, slope=3.0, intercept=0.5, noise=0.0, seed=0)
    assert y == pytest.approx([3.0 * x + 0.5 for (x,) in X])
    X, y = datasets.moons(50, noise=0.0, seed=0)
    for (a, b), t in zip(X, y):
        r = ((a) ** 2 + b**2) ** 0.5 if t == 0 else ((a - 1) ** 2 + (b - 0.5) ** 2) ** 0.5
        assert r == pytest.approx(1.0)


def test_yin_yang_labels_follow_the_symbol_and_classes_are_balanced() -> None:
    X, y = datasets.yin_yang(301, seed=3)
    assert [y.count(c) for c in range(3)] == [101, 100, 100]
    for (a, b), t in zip(X, y):
        assert a * a + b * b <= 1.0
        upper, lower = math.hypot(a, b - 0.5), math.hypot(a, b + 0.5)
        if t == 2:  # the dots: radius 0.2 around (0, +-0.5)
            assert min(upper, lower) < 0.2
        elif t == 0:  # yin: the left half, with the upper small disc and without the lower one
            assert min(upper, lower) >= 0.2 and (upper <= 0.5 or (a < 0 and lower > 0.5))
        else:
            assert min(upper, lower) >= 0.2 and not (upper <= 0.5 or (a < 0 and lower > 0.5))
    assert {t for (a, b), t in zip(X, y) if a > 0.55} == {1} and {t for (a, b), t in zip(X, y) if a < -0.55} == {0}
    assert {t for (a, b), t in zip(X, y) if math.hypot(a, b - 0.5) < 0.15} == {2}
    Xs, ys = datasets.yin_yang(300, r_dot=0.1, seed=3)
    assert max(min(math.hypot(a, b - 0.5), math.hypot(a, b + 0.5)) for (a, b), t in zip(Xs, ys) if t == 2) < 0.1


def test_split_partitions_the_data() -> None:
    X, y = datasets.blobs(50, seed=0)
    (Xt, yt), (Xv, yv) = datasets.split(X, y, 0.2, seed=1)
    assert len(Xv) == 10 and len(Xt) == 40
    assert sorted(map(tuple, Xt + Xv)) == sorted(map(tuple, X))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: datasets.moons(1), "nn.datasets.moons: n must be an int >= 2, got 1"),
        (lambda: datasets.moons(10, noise=-1), "noise must be a finite number >= 0, got -1"),
        (lambda: datasets.spiral(10, classes=1), "nn.datasets.spiral: classes must be an int >= 2, got 1"),
        (lambda: datasets.sine(2.5), "n must be an int >= 1, got 2.5"),
        (lambda: datasets.line(5, slope=float("nan")), "slope must be a finite number"),
        (lambda: datasets.split([[1.0]], [1], 0.5), "need at least 2 points"),
        (lambda: datasets.xor(8, seed=None), "seed must be an int or a random.Random, got None"),
        (lambda: datasets.yin_yang(2), "nn.datasets.yin_yang: n must be an int >= 3, got 2"),
        (lambda: datasets.yin_yang(9, r_dot=0.5), "nn.datasets.yin_yang: r_dot must be in (0, 0.5), got 0.5"),
    ],
)
def test_bad_arguments(call, message: str) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert message in str(info.value)


def test_digits_are_scikit_learns_8x8_images_scaled_to_unit_range() -> None:
    pytest.importorskip("sklearn")
    X, y = datasets.digits()
    assert len(X) == len(y) == 1797 and all(len(row) == 64 for row in X)
    assert min(min(r) for r in X) == 0.0 and max(max(r) for r in X) == 1.0
    assert sorted(set(y)) == list(range(10))


def test_digits_without_scikit_learn_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ModuleNotFoundError, match=r'pip install "blamegrad\[digits\]"'):
        datasets.digits()
