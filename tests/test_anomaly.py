"""``detect_anomaly``: the first NaN or inf raises, naming op, inputs, label and user line."""

from __future__ import annotations

import math

import pytest

from autograd import Value, detect_anomaly, grad


def test_forward_nan_names_the_op_inputs_and_the_line() -> None:
    with detect_anomaly():
        a = Value(math.inf, label="a")
        b = Value(0.0, label="b")
        with pytest.raises(FloatingPointError) as info:
            a * b  # the line the message must point at
    message = str(info.value)
    assert "mul(a = inf, b = 0.0) produced nan" in message
    assert "test_anomaly.py" in message and "a * b  # the line the message must point at" in message


def test_backward_inf_names_the_node_label_and_creation_line() -> None:
    with detect_anomaly():
        x = Value(0.0, label="x")
        y = x.sqrt()
        y.label = "y"
        z = y * 2.0
        with pytest.raises(FloatingPointError) as info:
            z.backward()
    message = str(info.value)
    assert "backward of sqrt gave an infinite gradient to input 0 (x = 0.0)" in message
    assert "local derivative inf x upstream grad 2.0" in message
    assert "node 'y'" in message and "y = x.sqrt()" in message


def test_grad_is_checked_too() -> None:
    with detect_anomaly():
        x = Value(0.0)
        y = x.sqrt()
        with pytest.raises(FloatingPointError, match="backward of sqrt"):
            grad(y, [x])


def test_decorator_form_and_restoring_the_mode() -> None:
    @detect_anomaly()
    def f(v: Value) -> Value:
        return v * 0.0

    with pytest.raises(FloatingPointError, match=r"mul\(n1 = inf, 0\) produced nan"):
        f(Value(math.inf))
    # outside the mode the same graph is allowed to contain nan
    assert math.isnan((Value(math.inf) * 0.0).data)


def test_nodes_made_outside_say_their_origin_is_unknown() -> None:
    x = Value(0.0)
    y = x.sqrt()
    with detect_anomaly(), pytest.raises(FloatingPointError, match="created outside detect_anomaly"):
        y.backward()


def test_clean_graphs_pass() -> None:
    with detect_anomaly():
        a = Value(2.0)
        y = (a * a).tanh() + a.exp()
        y.backward()
    assert math.isfinite(a.grad)
