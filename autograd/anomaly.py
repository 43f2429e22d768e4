"""``detect_anomaly``: stop at the first op whose output or gradient is NaN or infinite.

Inside it, every new node remembers the lines of user code that created it, every op checks its
output, and backward checks every gradient it passes on. The first non-finite number raises
``FloatingPointError`` naming the op, its inputs, the node and where it was created.
Outside it the engine pays one attribute lookup per op.

Nodes are named as in every other view (:mod:`autograd.names`: label, parameter name, a
constant's number, else ``n1``, ``n2``, ...), counted over the graph of the root backward ran
from, or, for a forward error, of the node that failed (the loss does not exist yet).

>>> from autograd import Value, detect_anomaly
>>> with detect_anomaly():
...     x = Value(0.0, label="x")
...     y = x.sqrt()
...     y.backward()  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
FloatingPointError: backward of sqrt gave an infinite gradient to input 0 (x = 0.0)...
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import weakref
from types import FrameType

from .modes import state
from .ops import chain
from .value import Constant, Value

_HERE = os.path.dirname(os.path.abspath(__file__))
_origins: weakref.WeakKeyDictionary[Value, str] = weakref.WeakKeyDictionary()


class detect_anomaly(contextlib.ContextDecorator):  # noqa: N801 - used like a function
    """Context manager and decorator that turns the first NaN or inf into an error with a story."""

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> detect_anomaly:
        self._saved.append(state.anomaly)
        state.anomaly = True
        return self

    def __exit__(self, *exc: object) -> None:
        state.anomaly = self._saved.pop()


def origin(node: Value) -> str:
    """Where ``node`` was created, if that happened inside :class:`detect_anomaly`."""
    return _origins.get(node, "created outside detect_anomaly(), so its origin is unknown")


def _user_stack(limit: int = 4) -> str:
    """The innermost frames outside this package, innermost last, as 'file:line in fn: code'."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _HERE:
        frame = frame.f_back
    lines: list[str] = []
    while frame is not None and len(lines) < limit:
        code = frame.f_code
        import linecache  # here, not at import: it pulls in the tokenizer

        text = linecache.getline(code.co_filename, frame.f_lineno).strip()
        lines.append(f"  {code.co_filename}:{frame.f_lineno} in {code.co_name}: {text}")
        frame = frame.f_back
    return "created at (innermost last):\n" + "\n".join(reversed(lines))


def _names(node: Value) -> dict[int, str]:
    """The names of :mod:`autograd.names` over the latest backward root's graph, if ``node`` is in it.

    Else over the graph of ``node`` itself. Only an error pays for this walk.
    """
    from .backward import last_root  # lazy: backward imports this module
    from .graph import topological_order
    from .names import node_names

    root = last_root()
    if root is not None:
        names = node_names(topological_order(root))
        if id(node) in names:
            return names
    return node_names(topological_order(node))


def _describe(node: Value, names: dict[int, str]) -> str:
    return f"node '{names[id(node)]}' {origin(node)}"


def _name(v: Value, names: dict[int, str]) -> str:
    """``x = 0.0``; a constant is its number: ``2``."""
    return names[id(v)] if type(v) is Constant else f"{names[id(v)]} = {v.data!r}"


def check_forward(op: object, inputs: tuple[Value, ...], out: Value) -> None:
    """Record where ``out`` was made; raise if its data is NaN or inf."""
    _origins[out] = _user_stack()
    if not math.isfinite(out.data):
        from .graph import topological_order
        from .names import node_names

        names = node_names(topological_order(out))  # the output's graph: the loss does not exist yet
        args = ", ".join(_name(x, names) for x in inputs[:8]) + (", ..." if len(inputs) > 8 else "")
        kind = "nan" if math.isnan(out.data) else "an infinite value"
        raise FloatingPointError(f"{op.name}({args}) produced {kind} ({out.data!r});\n{_describe(out, names)}")  # type: ignore[attr-defined]


def check_seed(root: Value, seed: float) -> None:
    """Raise if the gradient backward starts from is not finite."""
    if not math.isfinite(seed):
        raise FloatingPointError(f"backward: seed gradient is {seed!r};\n{_describe(root, _names(root))}")


def check_contribution(node: Value, index: int, local: float, upstream: float, contribution: float) -> None:
    """Raise if the chain-rule product ``local * upstream`` for input ``index`` is NaN or inf."""
    if math.isfinite(contribution):
        return
    parent = node._edges[2 * index]
    kind = "nan" if math.isnan(contribution) else "an infinite"
    names = _names(node)
    raise FloatingPointError(
        f"backward of {node.op} gave {kind} gradient to input {index} ({_name(parent, names)}): "
        f"local derivative {local!r} x upstream grad {upstream!r} = {contribution!r};\n{_describe(node, names)}"
    )


def check_accumulated(node: Value, index: int, contribution: float, total: float) -> None:
    """Raise if input ``index``'s grad became NaN or inf by adding a finite ``contribution``.

    Each contribution can be finite while their sum overflows (``a * 1e308 + a * 1e308``).
    """
    if math.isfinite(total) or not math.isfinite(contribution):
        return
    parent = node._edges[2 * index]
    kind = "nan" if math.isnan(total) else "an infinite value"
    names = _names(node)
    raise FloatingPointError(
        f"backward of {node.op}: the grad of input {index} ({_name(parent, names)}) became {kind} ({total!r}) "
        f"when this node added its finite contribution {contribution!r} (the grads it sums overflow);"
        f"\n{_describe(node, names)}"
    )


def check_backward(node: Value) -> None:
    """After ``node`` pushed its grad, raise at the first parent whose contribution is not finite,
    or whose grad the contributions summed to overflowed."""
    g = node.grad
    edges = node._edges
    for index, local in enumerate(edges[1::2]):
        contribution = chain(local, g)
        check_contribution(node, index, local, g, contribution)
        check_accumulated(node, index, contribution, edges[2 * index].grad)
