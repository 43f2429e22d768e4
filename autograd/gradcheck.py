"""``gradcheck``: compare the engine's gradients with central finite differences.

For each input x_i, the numeric estimate is (f(x + eps e_i) - f(x - eps e_i)) / (2 eps). A
gradient passes when ``|analytic - numeric| <= atol + rtol * |numeric|``. On a mismatch the error
is a table, one row per input, so you can see which gradient is wrong and by how much.

>>> from autograd import gradcheck
>>> gradcheck(lambda x, y: (x * y).tanh() + x ** 2, [0.5, -1.5])
True

It checks a learner's own op too: a node made the lecture's way, ``Value(data, (x,), 'cube')``
with a ``_backward`` closure, gets its gradient from the closure, so a wrong closure shows up as
a mismatch (and the error names the closure ops in the graph).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from .backward import grad
from .functions import _terms
from .graph import topological_order
from .value import LearnerOp, Value, to_float


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` when analytic and numeric gradients disagree."""


def gradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[float | Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check ``fn``'s gradients at ``inputs`` against central differences; True or GradcheckError.

    ``fn`` takes one ``Value`` per input and returns a ``Value``.
    """
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be callable, got {type(fn).__name__} ({fn!r})")
    inputs = _terms(inputs, "gradcheck", "inputs")
    point = [x.data if isinstance(x, Value) else to_float(x, f"gradcheck: inputs[{i}]") for i, x in enumerate(inputs)]
    if not point:
        raise ValueError("gradcheck: inputs is empty")
    for name, v in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        v = to_float(v, f"gradcheck: {name}")
        if not (v >= 0.0 and math.isfinite(v)) or (name == "eps" and v == 0.0):
            raise ValueError(f"gradcheck: {name} must be a finite number {'> 0' if name == 'eps' else '>= 0'}, got {v!r}")

    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = _call(fn, leaves)
    analytic = grad(out, leaves, allow_unused=True)  # an unused input is reported in the table
    order = topological_order(out)
    in_graph = {id(v) for v in order}
    closures = sorted({v._fn.symbol or "''" for v in order if isinstance(v._fn, LearnerOp) and v._edges})
    numeric = [_central_difference(fn, point, i, eps) for i in range(len(point))]

    rows = []
    failures = 0
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        error = abs(a - n)
        ok = error <= atol + rtol * abs(n)
        note = ""
        if not ok:
            failures += 1
            note = "  <-- mismatch"
            if id(leaves[i]) not in in_graph:
                note += ": input not in the graph (does fn use .data or float()?)"
        rows.append((f"x{i}", point[i], a, n, error, note))
    if failures:
        text = _table(rows, failures, eps, atol, rtol)
        if closures:
            text += f"\nthe graph has nodes made with a _backward closure (op {', '.join(map(repr, closures))}): check those closures first"
        raise GradcheckError(text)
    return True


def _call(fn: Callable[..., Value], args: list[Value]) -> Value:
    out = fn(*args)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__} ({out!r})")
    return out


def _central_difference(fn: Callable[..., Value], point: list[float], i: int, eps: float) -> float:
    # Not under no_grad: fn may itself differentiate (a gradient of a gradient).
    up = [Value(x + eps if j == i else x) for j, x in enumerate(point)]
    down = [Value(x - eps if j == i else x) for j, x in enumerate(point)]
    return (_call(fn, up).data - _call(fn, down).data) / (2.0 * eps)


def _table(rows: list[tuple], failures: int, eps: float, atol: float, rtol: float) -> str:
    head = f"gradcheck: {failures} of {len(rows)} gradients do not match (eps={eps}, atol={atol}, rtol={rtol})"
    lines = [head, f"{'input':<6} {'value':>14} {'analytic':>14} {'numeric':>14} {'abs error':>11}"]
    for name, x, a, n, err, note in rows:
        lines.append(f"{name:<6} {x:>14.6g} {a:>14.6g} {n:>14.6g} {err:>11.3g}{note}")
    return "\n".join(lines)
