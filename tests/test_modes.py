"""``no_grad``, ``enable_grad`` and ``scope``."""

from __future__ import annotations

import pytest

import autograd
from autograd import Value, enable_grad, is_grad_enabled, no_grad, scope


def test_no_grad_records_no_parents() -> None:
    a = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        b = a * 3 + 1
        s = autograd.sum([a, a])
    assert is_grad_enabled()
    assert b.is_leaf and b.data == 7.0 and s.is_leaf
    b.backward()
    assert a.grad == 0.0


def test_no_grad_as_a_decorator_and_nesting() -> None:
    @no_grad()
    def step(v: Value) -> Value:
        with enable_grad():
            inner = v * 2
        return inner + 1

    a = Value(1.0)
    out = step(a)
    assert out.is_leaf
    assert is_grad_enabled()


def test_no_grad_restores_on_error() -> None:
    with pytest.raises(ValueError):
        with no_grad():
            Value(-1.0).log()
    assert is_grad_enabled()


def test_scope_marks_nodes_and_nests() -> None:
    with scope("layers.0"):
        w = Value(0.5)
        with scope("neurons.3"):
            y = w * 2
            assert autograd.current_scope() == "layers.0.neurons.3"
        z = y + 1
    outside = z * 2
    assert (w.scope, y.scope, z.scope, outside.scope) == ("layers.0", "layers.0.neurons.3", "layers.0", None)


def test_scope_rejects_bad_names() -> None:
    for bad in ("", 3, None):
        with pytest.raises(TypeError, match="scope: name must be a non-empty str"):
            with scope(bad):  # type: ignore[arg-type]
                pass
