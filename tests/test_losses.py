"""nn.losses: values against the formulas, gradients by gradcheck, shallow graphs, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Value, gradcheck
from nn import losses


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def depth(root: Value) -> int:
    level: dict[int, int] = {}
    for node in autograd.topological_order(root):
        level[id(node)] = 1 + max((level[id(p)] for p in node.parents), default=-1)
    return level[id(root)]


def test_mse_value_and_gradcheck() -> None:
    ps, ts = [0.5, -1.2, 2.0], [1.0, 0.0, 2.5]
    assert losses.mse([Value(p) for p in ps], ts).data == pytest.approx(sum((p - t) ** 2 for p, t in zip(ps, ts)) / 3)
    assert gradcheck(lambda *v: losses.mse(list(v), ts), ps)


def test_binary_cross_entropy_value_and_gradcheck() -> None:
    ps, ts = [0.2, 0.9, 0.6, 0.4], [0.0, 1.0, 1.0, 0.3]
    want = -sum(t * math.log(p) + (1 - t) * math.log(1 - p) for p, t in zip(ps, ts)) / 4
    assert losses.binary_cross_entropy([Value(p) for p in ps], ts).data == pytest.approx(want)
    assert gradcheck(lambda *v: losses.binary_cross_entropy(list(v), ts), ps)
    # saturated but right: p = 1 with t = 1 costs nothing, no log(0) is built
    assert losses.binary_cross_entropy([Value(1.0), Value(0.0)], [1, 0]).data == 0.0


def test_bce_with_logits_matches_bce_and_is_stable() -> None:
    zs, ts = [-2.0, 0.0, 0.7, 3.0], [0.0, 1.0, 1.0, 0.5]
    want = losses.binary_cross_entropy([Value(sigmoid(z)) for z in zs], ts).data
    assert losses.binary_cross_entropy_with_logits([Value(z) for z in zs], ts).data == pytest.approx(want)
    assert gradcheck(lambda *v: losses.binary_cross_entropy_with_logits(list(v), ts), zs)
    # the derivative is sigmoid(z) - t, also exactly at z = 0
    z = [Value(0.0)]
    losses.binary_cross_entropy_with_logits(z, [1.0]).backward()
    assert z[0].grad == pytest.approx(-0.5)
    big = losses.binary_cross_entropy_with_logits([Value(1000.0), Value(-1000.0)], [0.0, 1.0])
    assert big.data == pytest.approx(1000.0)


def test_hinge_value_and_gradcheck() -> None:
    ss, ts = [0.5, -0.3, 2.0, -1.7], [1, 1, -1, -1]
    assert losses.hinge([Value(s) for s in ss], ts).data == pytest.approx((0.5 + 1.3 + 3.0 + 0.0) / 4)
    assert gradcheck(lambda *v: losses.hinge(list(v), ts), ss)


def test_cross_entropy_value_gradcheck_and_stability() -> None:
    rows, ts = [[1.0, 2.0, -0.5], [0.3, -1.0, 0.8]], [2, 0]
    want = sum(math.log(sum(math.exp(z) for z in r)) - r[t] for r, t in zip(rows, ts)) / 2
    assert losses.cross_entropy([[Value(z) for z in r] for r in rows], ts).data == pytest.approx(want)
    flat = [z for r in rows for z in r]
    assert gradcheck(lambda *v: losses.cross_entropy([list(v[:3]), list(v[3:])], ts), flat)
    huge = losses.cross_entropy([[Value(1000.0), Value(0.0)]], [1])
    assert huge.data == pytest.approx(1000.0)


def test_l2_value_and_gradcheck() -> None:
    ws = [0.5, -2.0, 1.5]
    assert losses.l2([Value(w) for w in ws], alpha=1e-4).data == pytest.approx(1e-4 * 6.5)
    assert gradcheck(lambda *v: losses.l2(list(v), alpha=0.3), ws)


@pytest.mark.parametrize("name", list(losses.LOSSES))
def test_every_loss_is_shallow_whatever_the_batch(name: str) -> None:
    def build(n: int) -> Value:
        if name == "cross_entropy":
            return losses.cross_entropy([[Value(0.1 * i), Value(-0.2)] for i in range(n)], [i % 2 for i in range(n)])
        ts = [1.0 if i % 2 else (-1.0 if name == "hinge" else 0.0) for i in range(n)]
        ps = [Value(0.3) for _ in range(n)]
        return losses.LOSSES[name](ps, ts)

    assert depth(build(4)) == depth(build(2000)) <= 6


def test_numpy_inputs_are_accepted() -> None:
    ps = [Value(0.2), Value(0.7)]
    assert losses.mse(ps, np.array([0.0, 1.0])).data == losses.mse(ps, [0.0, 1.0]).data
    assert losses.cross_entropy(np.array([[1.0, 2.0]]), np.array([1])).data == pytest.approx(math.log(1 + math.e) - 1)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: losses.mse([], []), ValueError, "nn.losses.mse: predictions is empty"),
        (lambda: losses.mse([Value(1.0)], [1.0, 2.0]), ValueError, "got 1 predictions but 2 targets"),
        (lambda: losses.mse([Value(1.0)], [math.nan]), ValueError, "targets[0] must be finite"),
        (lambda: losses.mse(Value(1.0), [1.0]), TypeError, "predictions must be a sequence"),
        (lambda: losses.hinge([Value(1.0)], [0]), ValueError, "nn.losses.hinge: targets[0] must be -1 or +1, got 0.0"),
        (lambda: losses.binary_cross_entropy([Value(1.0)], [0]), ValueError, "the loss is infinite"),
        (lambda: losses.binary_cross_entropy([Value(1.5)], [1]), ValueError, "probabilities[0] must be in [0, 1]"),
        (lambda: losses.binary_cross_entropy_with_logits([Value(1.5)], [2]), ValueError, "targets[0] must be in [0, 1]"),
        (lambda: losses.cross_entropy([[Value(1.0), Value(2.0)]], [2]), ValueError, "class index in 0..1, got 2.0"),
        (lambda: losses.cross_entropy([[Value(1.0)]], [0]), ValueError, "at least 2"),
        (lambda: losses.l2([Value(1.0)], alpha=-1), ValueError, "alpha must be a finite number >= 0"),
        (lambda: losses.mse([Value(1.0)], ["a"]), TypeError, "targets[0] must be a real number, got str"),
    ],
)
def test_errors_name_the_loss_and_value(call, error, message: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


# ---- property tests: every loss's gradient, on random batches ------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from autograd.testing import smooth_floats  # noqa: E402


@settings(max_examples=40)
@given(st.lists(st.tuples(smooth_floats(-4, 4, kinks=[1.0, -1.0]), st.sampled_from([-1, 1])), min_size=1, max_size=6))
def test_hinge_gradcheck_property(batch: list[tuple[float, int]]) -> None:
    ss, ts = [s for s, _ in batch], [t for _, t in batch]
    assert gradcheck(lambda *v: losses.hinge(list(v), ts), ss)


@settings(max_examples=40)
@given(st.lists(st.tuples(smooth_floats(-6, 6), st.floats(0, 1)), min_size=1, max_size=6))
def test_bce_with_logits_gradcheck_property(batch: list[tuple[float, float]]) -> None:
    zs, ts = [z for z, _ in batch], [t for _, t in batch]
    assert gradcheck(lambda *v: losses.binary_cross_entropy_with_logits(list(v), ts), zs)


@settings(max_examples=40)
@given(st.integers(2, 4).flatmap(lambda k: st.lists(st.tuples(st.lists(smooth_floats(-5, 5), min_size=k, max_size=k), st.integers(0, k - 1)), min_size=1, max_size=4)))
def test_cross_entropy_gradcheck_property(batch: list[tuple[list[float], int]]) -> None:
    k = len(batch[0][0])
    flat = [z for row, _ in batch for z in row]
    ts = [t for _, t in batch]
    assert gradcheck(lambda *v: losses.cross_entropy([list(v[i : i + k]) for i in range(0, len(v), k)], ts), flat)
