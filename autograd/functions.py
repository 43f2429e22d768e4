"""Function forms of the ops, and the n-ary ``sum`` and ``dot`` that keep big graphs shallow.

``sum(values)`` is ONE node with an edge to every term, so a loss over 10,000 examples is one
level deep and its backward is one loop. Python's builtin ``sum`` still works on Values (it
builds a chain of additions, as micrograd does).

>>> from autograd import Value
>>> import autograd
>>> xs = [Value(float(i)) for i in range(4)]
>>> s = autograd.sum(xs)
>>> s.data, len(s.parents)
(6.0, 4)
>>> autograd.dot([Value(2.0), Value(3.0)], [1.0, -1.0], bias=0.5).data
-0.5
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time (import time); checkers read it as True
if TYPE_CHECKING:
    from typing import Any

from . import ops
from .value import Value, _dot, _nary, apply, as_value

if TYPE_CHECKING:
    from .value import Operand


def _terms(values: object, where: str, what: str = "values", of: str = "Values or numbers") -> list:
    """``values`` as a list; ``TypeError`` naming ``where`` for a non-iterable, a Value, str or bytes.

    (A str or bytes is iterable, but its characters are not numbers: ``sum(b"12")`` is refused.)
    """
    if isinstance(values, (Value, str, bytes, bytearray, memoryview)):
        raise TypeError(f"{where}: {what} must be an iterable of {of}, got {type(values).__name__} ({values!r:.80})")
    try:
        items = iter(values)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"{where}: {what} must be an iterable of {of}, got {type(values).__name__} ({values!r:.80})") from None
    return list(items)


def sum(values: Iterable[Operand]) -> Value:  # noqa: A001 - the name users expect
    """One node adding all ``values`` (d/dx_i = 1). An empty sum is a leaf ``Value(0.0)``."""
    terms = _terms(values, "sum")
    if not terms:
        return Value(0.0)
    return _nary(ops.SUM, terms)


def dot(weights: Sequence[Operand], inputs: Sequence[Operand], bias: Operand | None = None) -> Value:
    """One node computing ``sum(w_i * x_i) + bias`` (a neuron's weighted sum, one level deep).

    Its parents are ``(w_0, x_0, w_1, x_1, ..., bias)``; numbers among them become constant leaves.
    """
    ws: list[Any] = weights if type(weights) is list else _terms(weights, "dot", "weights")
    xs: list[Any] = inputs if type(inputs) is list else _terms(inputs, "dot", "inputs")
    n = len(ws)
    if n != len(xs):
        raise ValueError(f"dot: got {n} weights but {len(xs)} inputs")
    if n == 0 and bias is None:
        return Value(0.0)
    # The data of the Values, read once; numbers (fewer data than entries) become leaves first.
    wd = [w.data for w in ws if type(w) is Value]
    if len(wd) != n:
        ws = [as_value(w, "dot") for w in ws]
        wd = [w.data for w in ws]
    xd = [x.data for x in xs if type(x) is Value]
    if len(xd) != n:
        xs = [as_value(x, "dot") for x in xs]
        xd = [x.data for x in xs]
    b = bias if bias is None or type(bias) is Value else as_value(bias, "dot")
    return _dot(ws, xs, wd, xd, b)


def mean(values: Iterable[Operand]) -> Value:
    """The average of ``values``: one sum node divided by their count."""
    terms = _terms(values, "mean")
    if not terms:
        raise ValueError("mean: got no values")
    return sum(terms) / len(terms)


def exp(x: Operand) -> Value:
    """e ** x."""
    return apply(ops.EXP, x)


def log(x: Operand) -> Value:
    """Natural logarithm of x (> 0)."""
    return apply(ops.LOG, x)


def sqrt(x: Operand) -> Value:
    """Square root of x (>= 0)."""
    return apply(ops.SQRT, x)


def tanh(x: Operand) -> Value:
    """Hyperbolic tangent of x."""
    return apply(ops.TANH, x)


def sigmoid(x: Operand) -> Value:
    """1 / (1 + e ** -x)."""
    return apply(ops.SIGMOID, x)


def relu(x: Operand) -> Value:
    """max(0, x)."""
    return apply(ops.RELU, x)

