"""nn.fit: it learns on every dataset, moons reaches micrograd's accuracy, early stopping, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from nn import datasets, optim

CASES = {
    # dataset: (X, y, model, loss)
    "moons": (datasets.moons(40, seed=1, signed=True), [8, 1], "hinge"),
    "circles": (datasets.circles(40, seed=1), [16, 1], "binary_cross_entropy_with_logits"),
    "xor": (datasets.xor(40, seed=1, signed=True), [8, 1], "hinge"),
    "spiral": (datasets.spiral(45, seed=1), [8, 3], "cross_entropy"),
    "blobs": (datasets.blobs(45, seed=1), [3], "cross_entropy"),
    "line": (datasets.line(30, seed=1), [1], "mse"),
    "sine": (datasets.sine(30, seed=1), [8, 1], "mse"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fit_reduces_the_loss_on_every_dataset(name: str) -> None:
    (X, y), sizes, loss = CASES[name]
    model = nn.MLP(len(X[0]), sizes, activation="tanh", rng=0)
    history = nn.fit(model, X, y, loss=loss, optimizer=optim.Adam(model.parameters(), lr=0.05), epochs=30, batch_size=16, progress=False)
    assert history.epochs == 30
    assert history.train_loss[-1] < 0.8 * history.train_loss[0]
    if loss != "mse":
        assert history.train_accuracy[-1] is not None and history.train_accuracy[-1] > 0.5
    else:
        assert history.train_accuracy == [None] * 30


def test_moons_reaches_98_percent_within_100_steps_micrographs_way() -> None:
    # micrograd's demo: MLP(2, [16, 16, 1]), hinge + 1e-4 L2, full batch, lr 1.0 -> 0.1 over 100 steps
    X, y = datasets.moons(100, noise=0.1, seed=0, signed=True)
    model = nn.MLP(2, [16, 16, 1], rng=0)
    sgd = optim.SGD(model.parameters(), lr=optim.linear_decay(1.0, 0.1, 100))
    history = nn.fit(model, X, y, loss="hinge", optimizer=sgd, epochs=100, l2=1e-4, progress=False)
    assert max(history.train_accuracy) >= 0.98
    predictions = nn.predict(model, X)
    assert sum((p > 0) == (t > 0) for p, t in zip(predictions, y)) / len(y) >= 0.98


def test_early_stopping_stops_and_restores_the_best_weights() -> None:
    (X, y), (Xv, yv) = datasets.split(*datasets.sine(24, noise=0.4, seed=3), 0.5, seed=0)
    model = nn.MLP(1, [32, 32, 1], activation="tanh", rng=0)
    history = nn.fit(
        model, X, y, optimizer=optim.Adam(model.parameters(), lr=0.05), epochs=300,
        validation=(Xv, yv), early_stopping=5, progress=False,
    )
    assert history.stopped_early and history.epochs < 300
    assert history.best_epoch == history.epochs - 6
    assert min(history.val_loss) == history.val_loss[history.best_epoch]
    now = nn.losses.mse(nn.predict(model, Xv), yv).data
    assert now == pytest.approx(history.val_loss[history.best_epoch])


def test_same_seed_same_training_and_numpy_inputs() -> None:
    X, y = datasets.blobs(30, seed=0)

    def run(X, y):
        model = nn.MLP(2, [4, 3], rng=1)
        return nn.fit(model, X, y, loss="cross_entropy", epochs=3, batch_size=7, seed=4, progress=False), model

    (h1, m1), (h2, m2) = run(X, y), run(np.array(X), np.array(y))
    assert h1 == h2
    assert [p.data for p in m1.parameters()] == [p.data for p in m2.parameters()]


def test_progress_is_silent_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    X, y = datasets.line(5, seed=0)
    nn.fit(nn.MLP(1, [1], rng=0), X, y, epochs=2, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_validation_history_and_dropout_training() -> None:
    (X, y), val = datasets.split(*datasets.moons(40, seed=0, signed=True), 0.25)
    model = nn.MLP(2, [16, 1], dropout=0.2, rng=0)
    history = nn.fit(model, X, y, loss="hinge", validation=val, epochs=4, progress=False)
    assert len(history.val_loss) == len(history.val_accuracy) == 4
    assert model.training  # fit leaves the mode as it found it


X0, Y0 = datasets.line(6, seed=0)
BAD = [
    (dict(X=[], y=[]), "nn.fit: X is empty"),
    (dict(X=[[1.0, 2.0]] * 6), "nn.fit: X[0] has 2 values but the model takes 1 inputs"),
    (dict(y=Y0[:3]), "nn.fit: X has 6 rows but y has 3 targets"),
    (dict(X=[[math.nan]] + X0[1:]), "nn.fit: X[0][0] must be finite, got nan"),
    (dict(y=[math.inf] + Y0[1:]), "nn.fit: y[0] must be finite, got inf"),
    (dict(X=[["a"]] + X0[1:]), "nn.fit: X[0][0] must be a number, got str"),
    (dict(loss="mae"), "nn.fit: unknown loss 'mae'"),
    (dict(loss="hinge"), "nn.losses.hinge: targets[0] must be -1 or +1"),
    (dict(loss="cross_entropy"), "nn.losses.cross_entropy: logits[0] must be a sequence"),
    (dict(epochs=0), "nn.fit: epochs must be a positive int or None, got 0"),
    (dict(batch_size=-2), "nn.fit: batch_size must be a positive int or None, got -2"),
    (dict(early_stopping=3), "nn.fit: early_stopping needs validation"),
    (dict(validation=([[1.0, 2.0]], [1.0])), "nn.fit: validation: X[0] has 2 values"),
    (dict(l2=-1.0), "nn.fit: l2 must be a finite number >= 0, got -1.0"),
    (dict(optimizer="sgd"), "nn.fit: optimizer must be an nn.optim optimizer, got str"),
    (dict(lr=0.0), "nn.optim.SGD: lr must be a finite number > 0, got 0.0"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[m.split(":")[-1][:30] for _, m in BAD])
def test_bad_arguments_raise_before_any_weight_changes(change: dict, message: str) -> None:
    model = nn.MLP(1, [4, 1], rng=0)
    before = [p.data for p in model.parameters()]
    args = dict(X=X0, y=Y0, progress=False, epochs=2)
    args.update(change)
    with pytest.raises((ValueError, TypeError)) as info:
        if "lr" in args:
            args["optimizer"] = optim.SGD(model.parameters(), lr=args.pop("lr"))
        nn.fit(model, args.pop("X"), args.pop("y"), **args)
    assert message in str(info.value)
    assert [p.data for p in model.parameters()] == before
