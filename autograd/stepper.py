"""Backward, one node at a time: :func:`backward_steps` and the REPL-friendly :class:`Stepper`.

Backward (:mod:`autograd.backward`) pushes each node's grad into its inputs, from the output back
to the leaves. Here the same walk pauses after every node and hands you a :class:`Step`: the node,
the grad that reached it from above, and for each input the local derivative, the contribution
``local x grad`` and the input's grad after adding it. The order and the arithmetic are
backward's own (reverse :func:`~autograd.topological_order`, leaves skipped, interior grads reset
first, the root seeded, leaf grads accumulated), so running every step leaves every ``.grad``
exactly as ``backward()`` does; stopping half way leaves the partial sums.

``str(step)`` reads like the chain rule with numbers. Nodes are named by their label, or
``n<i>`` from their position in the topological order; ``L`` is the root.

>>> from autograd import Value
>>> a = Value(0.5, label="a"); b = Value(-1.5, label="b")
>>> c = a * b; c.label = "c"
>>> s = Stepper(c.tanh())
>>> s
Stepper(L = n3 = tanh(c) = -0.635, 0/2 steps done)
>>> print(s.next())
step 1/2  n3 = tanh(c)   dL/dn3 = 1.000   dL/dc += (1 - n3^2) = 0.597 x 1.000 = 0.597
>>> print(s.next())
step 2/2  c = a * b   dL/dc = 0.597   dL/da += (b) = -1.500 x 0.597 = -0.895
                                      dL/db += (a) = 0.500 x 0.597 = 0.298
>>> s.next() is None, s.done, round(a.grad, 3)
(True, True, -0.895)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import anomaly
from .backward import remember_root
from .graph import topological_order
from .modes import state
from .ops import chain
from .value import Value, to_float

if TYPE_CHECKING:
    import graphviz

__all__ = ["InputStep", "Step", "Stepper", "backward_steps", "describe", "formula", "node_names", "number"]


# ---------------------------------------------------------------------------------------------
# Names, numbers and formulas shared by the stepper, explain and animate.


def node_names(order: list[Value]) -> dict[int, str]:
    """``id(node) -> name`` for a topological order: the label, else ``n<position>``."""
    return {id(v): v.label or f"n{i}" for i, v in enumerate(order)}


def number(x: float) -> str:
    """A float for a sentence: 3 decimals, or 3 significant digits when tiny or huge."""
    if not math.isfinite(x):
        return repr(x)
    if x == 0.0:
        return "0.000"  # -0.0 too, as drawings show it
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.3f}"
    return f"{x:.3g}"


def _short(k: float) -> str:
    return str(int(k)) if float(k).is_integer() else repr(float(k))


_FUNCTIONS = ("abs", "exp", "log", "sqrt", "tanh", "sigmoid", "relu")
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "powv": "**"}
_SHOWN = 4  # inputs shown before "..." in a wide node (sum, dot)


def describe(node: Value, names: Mapping[int, str]) -> str:
    """The node as an equation: ``h = tanh(n)``, ``n = x1*w1 + x2*w2 + b``."""
    name = names[id(node)]
    fn = node._fn
    if fn is None:
        return f"{name} = {number(node.data)}"
    args = [names[id(p)] for p in node._edges[0::2]]
    op = fn.name
    if op in _INFIX and len(args) == 2:
        rhs = f"{args[0]} {_INFIX[op]} {args[1]}"
    elif op == "pow":
        rhs = f"{args[0]} ** {_short(fn.params[0])}"
    elif op == "neg":
        rhs = f"-{args[0]}"
    elif op in _FUNCTIONS:
        rhs = f"{op}({args[0]})"
    elif op == "dot":
        terms = [f"{args[i]}*{args[i + 1]}" for i in range(0, len(args) - 1, 2)]
        if len(args) % 2:
            terms.append(args[-1])
        rhs = " + ".join(terms[:_SHOWN]) + (f" + ... ({len(terms)} terms)" if len(terms) > _SHOWN else "")
    elif op == "sum":
        more = f", ... ({len(args)} terms)" if len(args) > _SHOWN else ""
        rhs = f"sum({', '.join(args[:_SHOWN])}{more})"
    else:  # an op this module does not know yet: its drawn symbol applied to the inputs
        rhs = f"{fn.label}({', '.join(args)})"
    return f"{name} = {rhs}"


_PLACEHOLDER = re.compile(r"\b(x|y|out|k)\b")


def formula(node: Value, index: int, names: Mapping[int, str]) -> str:
    """The local derivative d(node)/d(input ``index``) as a formula in node names (``1 - h^2``)."""
    fn = node._fn
    if fn is None:
        raise ValueError(f"formula: {names[id(node)]} is a leaf, it has no inputs")
    parents = node._edges[0::2]
    if fn.name == "sum":
        return "1"
    if fn.name == "dot":  # d/dw_i = x_i, d/dx_i = w_i, d/db = 1
        if len(parents) % 2 and index == len(parents) - 1:
            return "1"
        return names[id(parents[index ^ 1])]
    if index >= len(fn.derivative):
        return f"d{names[id(node)]}/d{names[id(parents[index])]}"
    text = fn.derivative[index]
    if fn.params and "^(k-1)" in text:  # x^(k-1) with the exponent worked out: x^2, or x for k = 2
        power = fn.params[0] - 1.0
        text = text.replace("^(k-1)", "" if power == 1.0 else "^" + _short(power))
    values = {"out": names[id(node)], "k": _short(fn.params[0]) if fn.params else "k"}
    values["x"] = names[id(parents[0])]
    if len(parents) > 1:
        values["y"] = names[id(parents[1])]
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(1)), text)


# ---------------------------------------------------------------------------------------------
# Step records


@dataclass(frozen=True)
class InputStep:
    """What one input of the node received in a step."""

    input: Value
    """The input (a parent of the node)."""
    position: int
    """Which input of the node it is (0 for the first); a reused input appears once per use."""
    local: float
    """d(node)/d(input), stored on the node when it was made."""
    contribution: float
    """``local * grad``: what this edge adds to the input's grad."""
    grad_after: float
    """The input's running grad right after the addition."""


@dataclass(frozen=True)
class Step:
    """One node of the backward pass: its grad from upstream, and what each input received."""

    index: int
    """1 for the first step (the root), ``total`` for the last."""
    total: int
    """How many steps the whole pass has (the interior nodes)."""
    node: Value
    """The node whose grad is pushed into its inputs in this step."""
    grad: float
    """dL/d(node): the grad that reached the node from everything above it."""
    inputs: tuple[InputStep, ...]
    """One record per input, in the op's order, repeats kept."""
    names: Mapping[int, str] = field(repr=False, compare=False)
    """``id(node) -> name`` for every node of the graph (labels, else ``n<position>``)."""

    @property
    def name(self) -> str:
        """The node's name in sentences: its label, or ``n<position>``."""
        return self.names[id(self.node)]

    def lines(self) -> list[str]:
        """The sentence, one line per input (what ``str(step)`` joins)."""
        head = f"step {self.index}/{self.total}  {describe(self.node, self.names)}   "
        head += f"dL/d{self.name} = {number(self.grad)}   "
        out = []
        for i, edge in enumerate(self.inputs):
            target = self.names[id(edge.input)]
            text = (
                f"dL/d{target} += ({formula(self.node, edge.position, self.names)}) = "
                f"{number(edge.local)} x {number(self.grad)} = {number(edge.contribution)}"
            )
            if edge.grad_after != edge.contribution:  # the input already had blame from elsewhere
                text += f"   (dL/d{target} is now {number(edge.grad_after)})"
            out.append((head if i == 0 else " " * len(head)) + text)
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"<Step {self.index}/{self.total} {describe(self.node, self.names)}>"


# ---------------------------------------------------------------------------------------------
# The walk


def backward_steps(root: Value, seed: float = 1.0) -> Iterator[Step]:
    """Backward as a generator of :class:`Step`, one per interior node, in backward's order.

    Nothing happens until the first ``next()``: then interior grads are reset and the root is
    seeded, exactly as ``backward()`` does. Exhausting it gives the grads ``backward()`` gives.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps: expected a Value, got {type(root).__name__} ({root!r})")
    seed = to_float(seed, "backward_steps: seed")
    order = topological_order(root)
    return _walk(root, seed, order, node_names(order))


def _walk(root: Value, seed: float, order: list[Value], names: dict[int, str]) -> Iterator[Step]:
    # Mirrors autograd.backward.backward line for line, pausing after each node.
    remember_root(root)
    total = 0
    for node in order:
        if node._edges:
            node.grad = 0.0
            total += 1
    root.grad += seed
    check = state.anomaly
    if check:
        anomaly.check_seed(root, seed)
    index = 0
    for node in reversed(order):
        edges = node._edges
        if not edges:
            continue
        g = node.grad
        records = []
        for i in range(0, len(edges), 2):
            parent, local = edges[i], edges[i + 1]
            contribution = chain(local, g)  # backward's rule: local * g, 0 for a zero local
            parent.grad += contribution
            records.append(InputStep(parent, i // 2, local, contribution, parent.grad))
        if check:
            anomaly.check_backward(node)
        index += 1
        yield Step(index, total, node, g, tuple(records), names)


class Stepper:
    """Walk backward one node at a time in a REPL: ``next()``, ``run()``, ``show()``."""

    def __init__(self, root: Value, seed: float = 1.0) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Stepper: expected a Value, got {type(root).__name__} ({root!r})")
        self.root = root
        self.seed = to_float(seed, "Stepper: seed")
        self.order = topological_order(root)
        """Every node of the graph, inputs first (the order backward walks in reverse)."""
        self.names = node_names(self.order)
        """``id(node) -> name``: labels, else ``n<position>``."""
        self.total = sum(1 for v in self.order if v._edges)
        """How many steps the pass has: one per interior node."""
        self.history: list[Step] = []
        """The steps taken so far, oldest first."""
        self._steps = _walk(root, self.seed, self.order, self.names)
        self._finished = False

    @property
    def current(self) -> Step | None:
        """The last step taken, or ``None`` before the first."""
        return self.history[-1] if self.history else None

    @property
    def done(self) -> bool:
        """True once every step has run (every grad is final)."""
        return self._finished or (self.total > 0 and len(self.history) == self.total)

    def next(self) -> Step | None:
        """Take one step and return it; ``None`` once backward is finished."""
        step = next(self._steps, None)
        if step is None:
            self._finished = True
            return None
        self.history.append(step)
        return step

    def run(self) -> list[Step]:
        """Take every remaining step; returns them (grads are then what backward() gives)."""
        rest = list(self._steps)
        self._finished = True
        self.history.extend(rest)
        return rest

    def __iter__(self) -> Iterator[Step]:
        """The remaining steps, taken one by one as you iterate."""
        while (step := self.next()) is not None:
            yield step

    def processed(self) -> list[Value]:
        """The nodes whose grad has been pushed to their inputs so far, the current one last."""
        return [s.node for s in self.history]

    def show(self, **draw_options: Any) -> graphviz.Digraph:
        """Draw the graph mid-way: processed nodes coloured, the current one highlighted, the rest faded."""
        from .viz.animate import draw_progress

        return draw_progress(self, **draw_options)

    def __repr__(self) -> str:
        what = f"L = {describe(self.root, self.names)} = {number(self.root.data)}"
        if self.root.is_leaf:
            what = f"L = {self.names[id(self.root)]} = {number(self.root.data)}"
        current = self.current
        at = f", at {describe(current.node, self.names)}" if current is not None else ""
        return f"Stepper({what}, {len(self.history)}/{self.total} steps done{at})"
