"""``nn.fit(..., compile=True)``: the same training as eager mode, step for step."""

from __future__ import annotations

import pytest

import nn


def _train(compile: bool, **kwargs: object) -> tuple[nn.History, list[float]]:  # noqa: A002
    X, y = nn.datasets.moons(30, noise=0.1, seed=3, signed=True)
    model = nn.MLP(2, [6, 1], rng=2)
    optimizer = nn.optim.SGD(model.parameters(), lr=0.3)
    history = nn.fit(model, X, y, loss="hinge", optimizer=optimizer, progress=False, compile=compile, **kwargs)  # type: ignore[arg-type]
    return history, [p.data for p in model.parameters()]


def close(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 1e-9 * max(1.0, abs(x)) for x, y in zip(a, b))


def test_full_batch_training_matches_eager_mode() -> None:
    eager, eager_weights = _train(False, epochs=8, l2=1e-3)
    compiled, compiled_weights = _train(True, epochs=8, l2=1e-3)
    assert close(compiled.train_loss, eager.train_loss)
    assert close(compiled_weights, eager_weights)
    assert all(a is not None and 0.0 <= a <= 1.0 for a in compiled.train_accuracy)


def test_shuffled_mini_batches_match_eager_mode() -> None:
    eager, eager_weights = _train(False, epochs=3, batch_size=8)
    compiled, compiled_weights = _train(True, epochs=3, batch_size=8)
    assert close(compiled.train_loss, eager.train_loss)
    assert close(compiled_weights, eager_weights)


def test_compile_refuses_dropout_and_non_bools() -> None:
    X, y = nn.datasets.moons(10, seed=0, signed=True)
    with pytest.raises(ValueError, match="nn.fit: compile=True cannot replay Dropout"):
        nn.fit(nn.MLP(2, [4, 1], dropout=0.5, rng=0), X, y, loss="hinge", epochs=1, progress=False, compile=True)
    with pytest.raises(TypeError, match="nn.fit: compile must be True, False or 'batched', got 'yes'"):
        nn.fit(nn.MLP(2, [4, 1], rng=0), X, y, loss="hinge", epochs=1, progress=False, compile="yes")  # type: ignore[arg-type]
