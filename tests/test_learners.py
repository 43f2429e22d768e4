"""Code a learner writes the lecture's way runs unchanged: ops built from ``Value(data, children, op)``
and a ``_backward`` closure, mixed freely with the engine's own ops.

The three ops below are written here as a learner would after the lecture (forward on ``.data``,
then a closure doing the chain rule into the children's ``.grad``); they are checked against
finite differences with :func:`autograd.gradcheck` and against the engine's own ``exp``, ``tanh``
and ``**``, and every tool that reads a graph is run on graphs that contain them.
"""

from __future__ import annotations

import math

import pytest

import autograd
from autograd import GradcheckError, Stepper, Value, explain, grad, gradcheck


def my_exp(x: Value) -> Value:
    e = math.exp(x.data)
    out = Value(e, (x,), "exp")

    def _backward() -> None:
        x.grad += e * out.grad  # d/dx e^x = e^x

    out._backward = _backward
    return out


def my_tanh(x: Value) -> Value:
    t = (math.exp(2 * x.data) - 1) / (math.exp(2 * x.data) + 1)
    out = Value(t, _children=(x,), _op="tanh")

    def _backward() -> None:
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def my_pow(x: Value, k: float) -> Value:
    out = Value(x.data**k, (x,), f"**{k}")

    def _backward() -> None:
        x.grad += k * x.data ** (k - 1) * out.grad

    out._backward = _backward
    return out


def my_mul(x: Value, y: Value) -> Value:
    out = Value(x.data * y.data, (x, y), "*")

    def _backward() -> None:
        x.grad += y.data * out.grad
        y.grad += x.data * out.grad

    out._backward = _backward
    return out


def mixed(a: Value, b: Value) -> Value:
    """Learner's ops and engine ops interleaved, with a value reused along several paths."""
    h = my_tanh(a * b + 0.5)
    z = my_mul(h, my_exp(b)) - a.relu()
    return my_pow(z, 2) + (h * a).sigmoid() + my_pow(a, 3.0) / (1 + b * b)


def engine(a: Value, b: Value) -> Value:
    """``mixed`` with the engine's own op in place of each closure."""
    h = (a * b + 0.5).tanh()
    z = h * b.exp() - a.relu()
    return z**2 + (h * a).sigmoid() + a**3.0 / (1 + b * b)


POINTS = [(0.3, -0.7), (-1.2, 0.4), (0.9, 1.1)]


@pytest.mark.parametrize("point", POINTS)
def test_learners_ops_pass_gradcheck(point: tuple[float, float]) -> None:
    assert gradcheck(lambda x: my_exp(x), [point[0]])
    assert gradcheck(lambda x: my_tanh(x), [point[0]])
    assert gradcheck(lambda x: my_pow(x, 3), [point[0]])
    assert gradcheck(mixed, list(point))


@pytest.mark.parametrize("point", POINTS)
def test_backward_matches_the_engines_own_ops(point: tuple[float, float]) -> None:
    a, b = Value(point[0]), Value(point[1])
    out = mixed(a, b)
    out.backward()
    a2, b2 = Value(point[0]), Value(point[1])
    ref = engine(a2, b2)
    ref.backward()
    assert out.data == pytest.approx(ref.data, rel=1e-12)
    assert a.grad == pytest.approx(a2.grad, rel=1e-12) and b.grad == pytest.approx(b2.grad, rel=1e-12)
    assert grad(mixed(Value(point[0]), Value(point[1])), [Value(0.0)], allow_unused=True) == [0.0]
    x, y = Value(point[0]), Value(point[1])
    before = (x.grad, y.grad)
    assert grad(mixed(x, y), [x, y]) == pytest.approx([a.grad, b.grad], rel=1e-12)
    assert (x.grad, y.grad) == before  # grad() leaves every .grad as it was, closures included


def test_a_wrong_closure_fails_gradcheck_and_is_named() -> None:
    def bad_square(x: Value) -> Value:
        out = Value(x.data**2, (x,), "sq")

        def _backward() -> None:
            x.grad += x.data * out.grad  # forgot the 2

        out._backward = _backward
        return out

    with pytest.raises(GradcheckError, match=r"(?s)x0 .*mismatch.*_backward closure \(op 'sq'\)"):
        gradcheck(lambda x: bad_square(x) + x, [1.5])


def test_the_lectures_manual_backward_node_by_node() -> None:
    # The lecture calls each node's _backward by hand in reverse topological order.
    a, b = Value(0.8, label="a"), Value(-0.4, label="b")
    out = my_tanh(a * b) + my_exp(a)
    out.grad = 1.0
    for node in reversed(autograd.topological_order(out)):
        node._backward()
    a2, b2 = Value(0.8), Value(-0.4)
    ((a2 * b2).tanh() + a2.exp()).backward()
    assert a.grad == pytest.approx(a2.grad, rel=1e-12) and b.grad == pytest.approx(b2.grad, rel=1e-12)


def test_the_stepper_shows_grads_before_and_after_a_closure() -> None:
    a = Value(0.5, label="a")
    h = my_tanh(a * 2)
    h.label = "h"
    loss = h * a
    loss.label = "L"
    s = Stepper(loss)
    steps = s.run()
    assert [st.closure for st in steps] == [False, True, False]
    closure_step = steps[1]
    (record,) = closure_step.inputs
    assert math.isnan(record.local) and record.grad_before == 0.0
    assert record.grad_after == pytest.approx((1 - h.data**2) * a.data)
    text = str(closure_step)
    assert "h = tanh(n1)" in text and "dL/dn1: 0.000 -> " in text
    assert "(a _backward closure: its local derivatives are not stored)" in text and "(+0.210)" in text
    a2 = Value(0.5)
    ((a2 * 2).tanh() * a2).backward()
    assert a.grad == pytest.approx(a2.grad, rel=1e-12)  # the stepper's grads are backward's


def test_stepping_back_over_a_closure_restores_every_grad_exactly() -> None:
    a = Value(0.5, label="a")
    h = my_tanh(a * a)  # the closure's input is used twice below it
    loss = h * a + h
    expected = [a.grad]
    s = Stepper(loss)
    seen = []
    for _ in range(len(s)):
        seen.append((a.grad, h.grad))
        s.next()
    final = (a.grad, h.grad)
    for k in range(len(s) - 1, -1, -1):
        s.back()
        assert (a.grad, h.grad) == seen[k]  # bit for bit, the closure step included
    s.goto(len(s))
    assert (a.grad, h.grad) == final
    a.grad = 0.0
    loss.backward()
    assert a.grad == final[0] and expected == [0.0]


def test_explain_says_what_a_closure_contributed() -> None:
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    loss = my_mul(a, b) + a * a
    loss.label = "L"
    loss.backward()
    e = explain(a, loss)
    assert e.total == a.grad == pytest.approx(b.data + 2 * a.data)
    closure_use = [u for u in e.uses if math.isnan(u.local)]
    assert len(closure_use) == 1 and closure_use[0].contribution == b.data
    text = str(e)
    assert "(in a closure)" in text and "what a _backward closure added to a; locals not stored" in text
    assert "= a.grad" in text


def test_second_derivatives_through_a_closure_are_refused_plainly() -> None:
    x = Value(0.3)
    y = my_tanh(x) * x
    with pytest.raises(ValueError, match=r"create_graph=True cannot go through .* _backward closure \(op 'tanh'\).*create_graph=False"):
        grad(y, [x], create_graph=True)
    assert grad(y, [x]) == pytest.approx([(1 - math.tanh(0.3) ** 2) * 0.3 + math.tanh(0.3)])


def test_compile_refuses_a_closure_and_says_why() -> None:
    f = autograd.compile(lambda x: my_exp(x) * x)
    with pytest.raises(TypeError, match=r"compile: .*_backward closure \(op 'exp'\).*engine's ops"):
        f(0.5)


def test_detect_anomaly_checks_what_a_closure_wrote() -> None:
    def broken(x: Value) -> Value:
        out = Value(x.data, (x,), "broken")

        def _backward() -> None:
            x.grad += math.inf * out.grad

        out._backward = _backward
        return out

    x = Value(1.0)
    y = broken(x) * 2
    with autograd.detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"_backward closure of 'broken'.*grad inf"):
            y.backward()


def test_a_node_without_a_closure_passes_nothing_back_as_in_micrograd() -> None:
    a = Value(2.0)
    c = Value(a.data * 3, (a,), "*3")  # no _backward assigned: micrograd's default lambda: None
    (c * a).backward()
    assert a.grad == 6.0  # only the direct use


def test_draw_shows_closure_edges_dashed_without_a_number() -> None:
    pytest.importorskip("graphviz")
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    loss = my_tanh(a * b) + a
    loss.backward()
    source = autograd.draw(loss).source
    dashed = [line for line in source.splitlines() if "style=\"dashed\"" in line]
    assert len(dashed) == 1 and "not known: a _backward closure pushed it" in dashed[0]
    assert "not stored (a _backward closure)" in source  # the op node's tooltip
    assert "dashed edge, no number: a _backward closure" in source and "its blame is not stored" in source  # the legend
