"""Hypothesis strategies for testing gradients: yours and the engine's.

- :func:`smooth_floats`: floats in a range, kept a margin away from kinks (where the derivative
  jumps, so finite differences lie).
- :func:`op_inputs`: inputs for one op, drawn from the domain its table entry declares.
- :func:`expressions`: random expression graphs over the op table, every op applied only inside
  its smooth domain, nodes reused (``a * a``, diamonds). An :class:`Expression` is callable on
  Values and prints as the Python it runs, so a failing example reads like code.

Needs ``hypothesis`` (``pip install blamegrad[test]``).

>>> from hypothesis import given
>>> from autograd import gradcheck
>>> @given(smooth_floats(-3, 3), smooth_floats(-3, 3, kinks=[0.0]))
... def test_mine(x, y):
...     assert gradcheck(lambda a, b: (a * b).tanh() + abs(b), [x, y])
>>> test_mine()
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as error:  # an extra: say how to get it
    if error.name != "hypothesis":
        raise
    raise ModuleNotFoundError(
        "autograd.testing needs Hypothesis (property-based testing): pip install hypothesis "
        "(or pip install \"blamegrad[test]\")",
        name="hypothesis",
    ) from None

from .ops import OPS, Interval, Op
from .value import Value, apply

__all__ = ["Expression", "expressions", "floats_in", "op_inputs", "smooth_floats"]


def smooth_floats(
    lo: float, hi: float, kinks: Iterable[float] = (), margin: float = 0.1
) -> st.SearchStrategy[float]:
    """Finite floats in ``[lo, hi]`` at least ``margin`` away from every point in ``kinks``."""
    lo, hi, margin = float(lo), float(hi), float(margin)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"smooth_floats: need finite lo < hi, got lo={lo!r}, hi={hi!r}")
    if margin < 0:
        raise ValueError(f"smooth_floats: margin must be >= 0, got {margin!r}")
    pieces: list[Interval] = []
    start = lo
    for k in sorted(float(k) for k in kinks):
        below, above = k - margin, k + margin
        while k - below < margin:  # round inward so the margin holds in float arithmetic too
            below = math.nextafter(below, -math.inf)
        while above - k < margin:
            above = math.nextafter(above, math.inf)
        if below > start:
            pieces.append((start, min(below, hi)))
        start = max(start, above)
    if start < hi:
        pieces.append((start, hi))
    if not pieces:
        raise ValueError(f"smooth_floats: no room in [{lo}, {hi}] once {margin} around each kink is removed")
    return floats_in(pieces)


def floats_in(intervals: Sequence[Interval]) -> st.SearchStrategy[float]:
    """Finite floats from the union of closed intervals ``[(lo, hi), ...]``."""
    return st.one_of([st.floats(lo, hi, allow_nan=False, allow_infinity=False) for lo, hi in intervals])


def op_inputs(op: Op) -> st.SearchStrategy[tuple[float, ...]]:
    """A tuple of inputs for ``op`` inside its declared smooth domain (n-ary ops: 1 to 5 inputs)."""
    if op.arity is None:
        return st.lists(floats_in(op.domain[0]), min_size=1, max_size=5).map(tuple)
    return st.tuples(*(floats_in(d) for d in op.domain))


@dataclass(frozen=True)
class Expression:
    """A straight-line program over the op table: ``inputs``, then one op per step."""

    inputs: tuple[float, ...]
    steps: tuple[tuple[Op, tuple[int, ...]], ...]
    """Each step applies an op to earlier nodes, by index (inputs are nodes 0..n-1)."""

    def __call__(self, *xs: Value) -> Value:
        """Build the graph on ``xs`` (one per input) and return the last node."""
        pool: list[Value] = list(xs)
        for op, args in self.steps:
            pool.append(apply(op, *(pool[i] for i in args)))
        return pool[-1]

    def __repr__(self) -> str:
        lines = [f"v{i} = Value({x!r})" for i, x in enumerate(self.inputs)]
        for j, (op, args) in enumerate(self.steps, start=len(self.inputs)):
            names = ", ".join(f"v{i}" for i in args)
            lines.append(f"v{j} = {op.name}{'[' + op.label + ']' if op.params else ''}({names})")
        return "Expression:\n  " + "\n  ".join(lines)


def _inside(x: float, intervals: Sequence[Interval]) -> bool:
    return any(lo <= x <= hi for lo, hi in intervals)


@st.composite
def expressions(
    draw: st.DrawFn,
    ops: Sequence[Op] = OPS,
    max_inputs: int = 3,
    max_steps: int = 8,
    bound: float = 20.0,
) -> Expression:
    """Random expression graphs; every op sees only inputs inside its smooth domain.

    Intermediate values stay within ``+-bound`` so finite differences stay accurate.
    """
    n = draw(st.integers(1, max_inputs))
    inputs = tuple(draw(smooth_floats(-2.0, 2.0, kinks=[0.0], margin=0.3)) for _ in range(n))
    values = list(inputs)
    steps: list[tuple[Op, tuple[int, ...]]] = []
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(list(ops)))
        if op.param_cases:
            op = op.bind(draw(st.sampled_from(op.param_cases)))
        arity = op.arity if op.arity is not None else draw(st.integers(1, 4))
        domains = op.domain if op.arity is not None else op.domain * arity
        args = []
        for domain in domains:
            fits = [i for i, v in enumerate(values) if _inside(v, domain)]
            if not fits:
                break
            args.append(draw(st.sampled_from(fits[::-1])))  # newest first: deeper graphs
        else:
            try:
                out = op.forward(*(values[i] for i in args), *op.params)
            except (ArithmeticError, ValueError):
                continue
            if math.isfinite(out) and abs(out) <= bound:
                steps.append((op, tuple(args)))
                values.append(out)
    if not steps:  # nothing fitted: fall back to the simplest graph that reuses a node
        from .ops import MUL

        steps.append((MUL, (0, 0)))
    return Expression(inputs, tuple(steps))
