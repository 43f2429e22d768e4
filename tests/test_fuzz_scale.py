"""The scale cases of the fuzzing campaign: compile on a sum of a million terms, and wide sums.

Marked ``scale``: they run in CI (HYPOTHESIS_PROFILE=ci, or BLAMEGRAD_SCALE=1) and are skipped in
the default run, which stays fast. tests/test_fuzz_regressions.py keeps the 3,000- and
10,000-term cases (item 18) in every run.
"""

from __future__ import annotations

import math

import pytest

import autograd
import nn
from autograd import Value


@pytest.mark.scale
def test_compile_a_sum_of_a_million_arguments() -> None:
    n = 1_000_000
    xs = [Value(float(i % 7) * 0.5) for i in range(n)]
    f = autograd.compile(lambda xs: autograd.sum(xs) * 2.0)
    out = f.backward(xs)
    assert out == 2.0 * sum((x.data for x in xs), 0.0)  # the eager sum's order, bit for bit
    assert xs[0].grad == 2.0 and xs[-1].grad == 2.0
    assert f(xs) == out


@pytest.mark.scale
def test_compile_a_sum_of_100_000_interior_terms_matches_eager() -> None:
    n = 100_000
    xs = [Value(math.sin(i)) for i in range(n)]
    f = autograd.compile(lambda xs: autograd.sum(x * x for x in xs))
    got = f.backward(xs)
    grads = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    eager = autograd.sum(x * x for x in xs)
    eager.backward()
    assert got == eager.data and grads == [x.grad for x in xs]


@pytest.mark.scale
def test_fit_compile_on_10_000_examples() -> None:
    X, y = nn.datasets.moons(10_000, seed=0, signed=True)
    model = nn.MLP(2, [2, 1], rng=0)
    history = nn.fit(model, X, y, loss="hinge", epochs=2, compile=True, progress=False)
    assert history.epochs == 2 and history.train_loss[-1] < history.train_loss[0]
