"""``Value``: construction, type rules, graph structure, identity and memory."""

from __future__ import annotations

import gc
import math
import weakref

import numpy as np
import pytest

import autograd
from autograd import Value


def test_data_is_always_a_float_and_grad_starts_at_zero() -> None:
    for raw in (2, 2.0, np.float64(2.0), np.float32(2.0), np.int64(2)):
        v = Value(raw)
        assert type(v.data) is float and v.data == 2.0, raw
        assert type(v.grad) is float and v.grad == 0.0


@pytest.mark.parametrize("bad", [True, False, "2.0", b"2", 1 + 2j, None, [1.0], (1.0,), {"x": 1}, np.bool_(True)])
def test_rejects_non_numbers_naming_the_type(bad: object) -> None:
    with pytest.raises(TypeError) as info:
        Value(bad)  # type: ignore[arg-type]
    assert type(bad).__name__ in str(info.value)
    assert str(info.value).startswith("Value:")


@pytest.mark.parametrize("bad", [True, "x", None, 1j])
def test_arithmetic_rejects_non_numbers_naming_the_op(bad: object) -> None:
    with pytest.raises(TypeError, match=rf"mul: operand .* got {type(bad).__name__}"):
        Value(1.0) * bad  # type: ignore[operator]
    with pytest.raises(TypeError, match=rf"add: operand .* got {type(bad).__name__}"):
        bad + Value(1.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match="pow: exponent"):
        Value(1.0) ** bad  # type: ignore[operator]


def test_unknown_types_get_their_reflected_method() -> None:
    class Twice:
        def __rmul__(self, other: Value) -> str:
            return "Twice handled it"

    assert Value(1.0) * Twice() == "Twice handled it"


def test_numpy_scalars_combine_to_values_from_either_side() -> None:
    a = Value(3.0)
    for out in (np.float64(2.0) * a, a * np.float64(2.0), np.float32(2.0) + a + np.int64(1)):
        assert isinstance(out, Value)
    assert (np.float64(2.0) * a).data == 6.0


def test_nan_and_inf_are_allowed_as_data() -> None:
    assert math.isnan(Value(math.nan).data)
    assert Value(-math.inf).data == -math.inf


def test_label_must_be_a_string() -> None:
    assert Value(1.0, label="a").label == "a"
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_parents_keep_order_and_repeats() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    sq = a * a
    assert sq.parents == (a, a)
    assert sq.local_grads == (2.0, 2.0)
    d = b - a
    assert d.parents[0] is b and d.parents[1] is a
    assert a.is_leaf and not sq.is_leaf
    assert a.op == "" and sq.op == "mul" and sq.fn is autograd.ops.MUL


def test_identity_not_value_equality() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2
    assert Value.__eq__ is object.__eq__ and Value.__hash__ is object.__hash__


def test_a_value_keeps_a_learners_own_attributes() -> None:
    # EurekaLabs' micrograd keeps AdamW's moments on the parameters.
    p = Value(0.5)
    p.m = 0.0  # type: ignore[attr-defined]
    p.v = 0.0  # type: ignore[attr-defined]
    p.grad = 0.2
    p.m = 0.9 * p.m + 0.1 * p.grad  # type: ignore[attr-defined]
    p.v = 0.95 * p.v + 0.05 * p.grad**2  # type: ignore[attr-defined]
    p.data -= 0.1 * p.m / (p.v**0.5 + 1e-8)  # type: ignore[attr-defined]
    assert p.m == pytest.approx(0.02) and p.v == pytest.approx(0.002)  # type: ignore[attr-defined]
    assert p.data == pytest.approx(0.5 - 0.1 * 0.02 / 0.002**0.5)
    assert (p * 2).__dict__ == {}  # an engine node's own state stays in its slots


def test_comparisons_are_plain_bools_from_data() -> None:
    a, b = Value(2.0), Value(3.0)
    assert (a > 0) is True and (a < 0) is False and (a <= b) is True and (a >= b) is False
    assert (0 < a) is True and (3.0 >= b) is True and (np.float64(2.5) < b) is True
    assert max([b, a]) is b and sorted([b, a]) == [a, b]
    assert (a == Value(2.0)) is False and a == a  # == stays identity (and hashing with it)
    with pytest.raises(TypeError, match=r"Value <: the other side: expected a real number, got str"):
        a < "3"  # noqa: B015


def test_micrograds_constructor_forms() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = Value(a.data + b.data, (a, b), "+", label="c")
    d = Value(a.data * b.data, _children=(a, b), _op="*")
    assert c.label == "c" and c._op == "+" and c._prev == {a, b} and c.parents == (a, b)
    assert d._op == "*" and d.op == "*" and not d.is_leaf
    assert Value(2.0, "x").label == "x"  # a str second argument is the label, as before
    assert Value(2.0, (), "", "y").label == "y" and Value(2.0, ()).is_leaf
    with pytest.raises(TypeError, match="a str second argument is the label"):
        Value(2.0, "x", label="y")
    with pytest.raises(TypeError, match=r"Value: every child must be a Value, got float \(1.0\)"):
        Value(2.0, (1.0,), "+")
    with pytest.raises(TypeError, match=r"Value: _op must be a str, got int"):
        Value(2.0, (a,), 3)  # type: ignore[arg-type]


def test_prev_op_and_backward_can_be_assigned() -> None:
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    c._op = "x"  # an engine op keeps its maths; only the drawn symbol changes
    assert c._op == "x" and c.op == "mul" and c.local_grads == (-3.0, 2.0)
    e = a + b
    e._prev = {a}  # micrograd's semantics: the walk sees _prev, _backward stays the op's own
    assert e.parents == (a,)
    e.backward()
    assert a.grad == 1.0 and b.grad == 1.0
    f = a * 1.0
    f._backward = lambda: None  # the engine's locals no longer apply; the closure is all there is
    assert f.local_grads == (None, None)
    a.grad = 0.0
    f.backward()
    assert a.grad == 0.0
    with pytest.raises(TypeError, match="Value._backward: expected a function of no arguments, got int"):
        f._backward = 3  # type: ignore[assignment]
    with pytest.raises(TypeError, match="Value._op: expected a str, got int"):
        f._op = 3  # type: ignore[assignment]


def test_dropping_the_output_frees_the_graph_by_reference_counting() -> None:
    gc.disable()
    try:
        a, b = Value(2.0), Value(-3.0)
        c = (a * b + a).tanh() * autograd.sum([a, b, a * a])
        c.backward()
        refs = [weakref.ref(n) for n in autograd.topological_order(c) if not n.is_leaf]
        assert refs and all(r() is not None for r in refs)
        del c
        assert all(r() is None for r in refs), "interior nodes survived: a reference cycle?"
    finally:
        gc.enable()


def test_repr_shows_data_grad_and_label() -> None:
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(2.0, label="a")) == "Value(data=2.0, grad=0.0, label='a')"


def test_float_conversion() -> None:
    assert float(Value(2.5)) == 2.5


def test_detach_cuts_the_graph() -> None:
    a = Value(2.0, label="a")
    b = (a * 3).detach()
    assert b.is_leaf and b.data == 6.0
    c = b * a
    c.backward()
    assert a.grad == 6.0  # only the direct use; nothing flows through the detached branch


def test_three_argument_pow_is_refused() -> None:
    with pytest.raises(TypeError, match="three-argument pow"):
        pow(Value(2.0), 2, 3)
