"""``autograd.grad``: gradients without touching ``.grad``, and higher derivatives."""

from __future__ import annotations

import pytest
from hypothesis import given

import autograd
from autograd import Value, grad, gradcheck
from autograd.testing import expressions, smooth_floats


def test_returns_a_list_and_leaves_grad_alone() -> None:
    a, b = Value(2.0), Value(-3.0)
    y = a * b + a
    assert grad(y, [a, b]) == [-2.0, 2.0]
    assert a.grad == b.grad == y.grad == 0.0


def test_accepts_a_single_value_and_interior_nodes() -> None:
    a = Value(2.0)
    h = a * a
    y = h.tanh()
    (dh,) = grad(y, h)
    assert dh == pytest.approx(1 - y.data**2)


def test_an_input_not_in_the_graph_is_named_unless_allow_unused() -> None:
    a, b = Value(2.0), Value(5.0, label="b")
    for create_graph in (False, True):
        with pytest.raises(ValueError, match=r"grad: inputs\[1\] \(Value\(data=5.0.*label='b'\)\) is not in the graph.*allow_unused=True"):
            grad(a * 3, [a, b], create_graph=create_graph)
    assert grad(a * 3, [a, b], allow_unused=True) == [3.0, 0.0]
    g = grad(a * 3, [a, b], create_graph=True, allow_unused=True)
    assert [v.data for v in g] == [3.0, 0.0]


def test_second_derivative_of_x_cubed() -> None:
    for x0 in (-2.0, 0.0, 0.5, 3.0):
        x = Value(x0)
        (dy,) = grad(x**3, [x], create_graph=True)
        (d2y,) = grad(dy, [x], create_graph=True)
        (d3y,) = grad(d2y, [x])
        assert dy.data == pytest.approx(3 * x0**2)
        assert d2y.data == pytest.approx(6 * x0)
        assert d3y == pytest.approx(6.0)


def test_mixed_partials_are_symmetric() -> None:
    x, y = Value(0.7), Value(-1.3)
    f = (x * y).tanh() + x**2 * y.exp()
    dfdx, dfdy = grad(f, [x, y], create_graph=True)
    d2_xy = grad(dfdx, [y])[0]
    d2_yx = grad(dfdy, [x])[0]
    assert d2_xy == pytest.approx(d2_yx)


def test_second_derivatives_pass_gradcheck_for_every_op_family() -> None:
    def first_derivative(f):  # x -> df/dx as a Value, itself differentiable
        return lambda x: grad(f(x), [x], create_graph=True)[0]

    for f in (
        lambda x: x**3,
        lambda x: x.tanh(),
        lambda x: x.sigmoid() * x,
        lambda x: x.exp() / (1 + x * x),
        lambda x: (x * x + 1).log(),
        lambda x: (x * x + 1).sqrt(),
        lambda x: Value(2.0) ** x,
        lambda x: (x + 3) ** Value(1.5),
        lambda x: x.relu() * x,
        lambda x: autograd.dot([x, x * x], [x, 2.0], bias=x),
    ):
        assert gradcheck(first_derivative(f), [0.7])


@given(expressions())
def test_grad_equals_backward_on_random_graphs(expr) -> None:
    xs = [Value(x) for x in expr.inputs]
    out = expr(*xs)
    expected = grad(out, xs, allow_unused=True)
    out.backward()
    assert [x.grad for x in xs] == pytest.approx(expected)


@given(expressions(), smooth_floats(-2, 2))
def test_create_graph_first_derivative_equals_float_gradient(expr, _) -> None:
    xs = [Value(x) for x in expr.inputs]
    out = expr(*xs)
    as_values = grad(out, xs, create_graph=True, allow_unused=True)
    assert [v.data for v in as_values] == pytest.approx(grad(out, xs, allow_unused=True))


def test_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError, match="grad: output must be a Value, got float"):
        grad(1.0, [Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"grad: inputs\[1\] must be a Value, got float"):
        grad(Value(1.0), [Value(1.0), 2.0])  # type: ignore[list-item]
