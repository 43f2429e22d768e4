"""``backward`` and ``zero_grad``: correctness, accumulation semantics, and huge graphs."""

from __future__ import annotations

import math

import pytest
from examples import micrograd_readme
from hypothesis import given

import autograd
from autograd import Value
from autograd.graph import interior_order
from autograd.testing import Expression, expressions


def micrograd_readme_example() -> tuple[Value, Value, Value]:
    # micrograd's README example, unchanged but for the import.
    a = Value(-4.0)
    b = Value(2.0)
    g = micrograd_readme(a, b)
    g.backward()
    return a, b, g


def test_micrograd_readme_example() -> None:
    a, b, g = micrograd_readme_example()
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_reused_node_gets_every_contribution() -> None:
    a = Value(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0


def test_leaf_grads_accumulate_and_interior_grads_reset() -> None:
    a, b = Value(2.0), Value(-3.0)
    ab = a * b
    d = ab + a
    d.backward()
    once = (a.grad, b.grad, ab.grad, d.grad)
    d.backward()
    assert (a.grad, b.grad) == (2 * once[0], 2 * once[1])
    assert (ab.grad, d.grad) == (once[2], once[3]) == (1.0, 1.0)


def test_seed_scales_the_gradients() -> None:
    a = Value(2.0)
    y = a * a
    y.backward(seed=0.5)
    assert a.grad == 2.0
    with pytest.raises(TypeError, match="backward: seed"):
        y.backward(seed="1")  # type: ignore[arg-type]


def test_backward_on_a_leaf_accumulates_the_seed() -> None:
    a = Value(2.0)
    a.backward()
    a.backward()
    assert a.grad == 2.0


def test_zero_grad_clears_every_grad_below() -> None:
    a, b = Value(2.0), Value(-3.0)
    d = (a * b).tanh() + a
    d.backward()
    d.zero_grad()
    assert all(n.grad == 0.0 for n in autograd.topological_order(d))


def test_classic_neuron_gradients() -> None:
    # Karpathy's lecture neuron: o = tanh(x1*w1 + x2*w2 + b)
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0), abs=1e-4)


def test_topological_order_is_deterministic_and_inputs_come_first() -> None:
    def build() -> list[str]:
        xs = [Value(float(i), label=f"x{i}") for i in range(4)]
        y = (xs[0] * xs[1] + xs[2]).tanh() * xs[0] + xs[3]
        y.label = "y"
        return [n.label or n.op for n in autograd.topological_order(y)]

    first = build()
    assert first == build()
    assert first == ["x0", "x1", "mul", "x2", "add", "tanh", "mul", "x3", "y"]


def test_topological_order_rejects_non_values() -> None:
    with pytest.raises(TypeError, match="topological_order: expected a Value, got float"):
        autograd.topological_order(1.0)  # type: ignore[arg-type]


@given(expressions())
def test_interior_order_is_the_topological_order_without_leaves(expr: Expression) -> None:
    # backward walks interior_order; the stepper, drawings and grad walk topological_order.
    # Both must put the interior nodes in the same order, or the passes would add up in another.
    out = expr(*[Value(x) for x in expr.inputs])
    assert interior_order(out) == [n for n in autograd.topological_order(out) if not n.is_leaf]


def test_interior_order_of_a_leaf_is_empty_and_rejects_non_values() -> None:
    assert interior_order(Value(1.0)) == []
    with pytest.raises(TypeError, match="interior_order: expected a Value, got float"):
        interior_order(1.0)  # type: ignore[arg-type]


@pytest.mark.slow
def test_million_node_chain() -> None:
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0 and y.data == 1_000_001.0


@pytest.mark.slow
def test_million_term_sum_is_one_node() -> None:
    xs = [Value(float(i % 7)) for i in range(1_000_000)]
    s = autograd.sum(x * x for x in xs)
    assert len(s.parents) == 1_000_000
    s.backward()
    assert xs[5].grad == 10.0 and xs[6].grad == 12.0
    assert s.data == sum((i % 7) ** 2 for i in range(1_000_000))


def test_grads_can_be_nan_without_anomaly_mode() -> None:
    x = Value(0.0)
    y = x.sqrt() * 0.0
    y.backward()
    assert math.isnan(x.grad)
