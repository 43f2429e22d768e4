"""Backward, one node at a time: :func:`backward_steps` and the REPL-friendly :class:`Stepper`.

Backward (:mod:`autograd.backward`) pushes each node's grad into its inputs, from the output back
to the leaves. Here the same walk pauses after every node and hands you a :class:`Step`: the node,
the grad that reached it from above, and for each input the local derivative, the contribution
``local x grad`` and the input's grad after adding it. The order and the arithmetic are
backward's own (reverse :func:`~autograd.topological_order`, leaves skipped, interior grads reset
first, the root seeded, leaf grads accumulated), so running every step leaves every ``.grad``
exactly as ``backward()`` does; stopping half way leaves the partial sums.

A :class:`Stepper` also goes back: ``back()`` undoes the last step and ``goto(k)`` jumps to the
state after ``k`` steps, bit for bit (each step remembers the grads it overwrote, and only those).

``str(step)`` reads like the chain rule with numbers; at a prompt the step shows the same
sentence. Nodes are named by :mod:`autograd.names` (the names every view uses): the label, else a
parameter's short name (``L0N3.w1``), else a constant's number, else ``n1``, ``n2``, ... in
topological order. ``L`` is the root.

>>> from autograd import Value
>>> a = Value(0.5, label="a"); b = Value(-1.5, label="b")
>>> c = a * b; c.label = "c"
>>> s = Stepper(c.tanh())
>>> s
Stepper(L = n1 = tanh(c) = -0.635, 0/2 steps done)
>>> s.next()
step 1/2  n1 = tanh(c)   dL/dn1 = 1.000   dL/dc += (1 - n1^2) = 0.597 x 1.000 = 0.597
>>> s.next()
step 2/2  c = a * b   dL/dc = 0.597   dL/da += (b) = -1.500 x 0.597 = -0.895
                                      dL/db += (a) = 0.500 x 0.597 = 0.298
>>> s.next()
all 2 steps done: every grad now equals backward()
>>> s.back()
Stepper(L = n1 = tanh(c) = -0.635, 1/2 steps done, at n1 = tanh(c))
>>> a.grad, s.goto(2).done, round(a.grad, 3)
(0.0, True, -0.895)
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from . import anomaly
from .backward import remember_root
from .graph import topological_order
from .modes import state
from .names import node_names
from .ops import chain
from .value import LearnerOp, Value, to_float

if TYPE_CHECKING:
    import graphviz

    from .viz.sketch import Sketch

__all__ = ["End", "InputStep", "Step", "Stepper", "Steps", "backward_steps", "describe", "formula", "number"]


# ---------------------------------------------------------------------------------------------
# Numbers and formulas shared by the stepper, explain and animate (names: autograd.names).


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
    if fn is None or not node._edges:
        return f"{name} = {number(node.data)}"
    args = [names[id(p)] for p in node._edges[0::2]]
    op = fn.name
    if isinstance(fn, LearnerOp) and len(args) == 2 and op in _INFIX.values():  # Value(t, (a, b), '+')
        rhs = f"{args[0]} {op} {args[1]}"
    elif op in _INFIX and len(args) == 2:
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


CLOSURE_FORMULA = "(in a closure)"
"""What :func:`formula` says for a node made the lecture's way (its locals live in the closure)."""

_PLACEHOLDER = re.compile(r"\b(x|y|out|k)\b")


def formula(node: Value, index: int, names: Mapping[int, str]) -> str:
    """The local derivative d(node)/d(input ``index``) as a formula in node names (``1 - h^2``)."""
    fn = node._fn
    if fn is None:
        raise ValueError(f"formula: {names[id(node)]} is a leaf, it has no inputs")
    parents = node._edges[0::2]
    if isinstance(fn, LearnerOp):
        return CLOSURE_FORMULA
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


class InputStep(NamedTuple):
    """What one input of the node received in a step (a named tuple: cheap to make by the million)."""

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
    grad_before: float | None = None
    """For a closure node's step: the input's grad before the closure ran (``local`` is then nan)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One node of the backward pass: its grad from upstream, and what each input received.

    ``str(step)`` and the prompt's display (``repr``) are the chain-rule sentence.
    """

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
    """``id(node) -> name`` for every node of the graph (:func:`autograd.names.node_names`)."""
    closure: bool = False
    """True when the node was made with a learner's ``_backward`` closure: the engine ran it and
    saw each input's grad before and after, but not the local derivatives inside it."""

    @property
    def name(self) -> str:
        """The node's name in sentences (:mod:`autograd.names`)."""
        return self.names[id(self.node)]

    def lines(self) -> list[str]:
        """The sentence, one line per input (what ``str(step)`` joins)."""
        head = f"step {self.index}/{self.total}  {describe(self.node, self.names)}   "
        head += f"dL/d{self.name} = {number(self.grad)}   "
        out = []
        for i, edge in enumerate(self.inputs):
            target = self.names[id(edge.input)]
            if self.closure:
                text = f"dL/d{target}: {number(edge.grad_before)} -> {number(edge.grad_after)}"  # type: ignore[arg-type]
                out.append((head if i == 0 else " " * len(head)) + text + f" (+{number(edge.contribution)})")
                continue
            text = (
                f"dL/d{target} += ({formula(self.node, edge.position, self.names)}) = "
                f"{number(edge.local)} x {number(self.grad)} = {number(edge.contribution)}"
            )
            if edge.grad_after != edge.contribution:  # the input already had blame from elsewhere
                text += f"   (dL/d{target} is now {number(edge.grad_after)})"
            out.append((head if i == 0 else " " * len(head)) + text)
        if self.closure:
            out.append(" " * 10 + "(a _backward closure: its local derivatives are not stored)")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    __repr__ = __str__  # at a prompt, ``s.next()`` shows the sentence


class End:
    """What :meth:`Stepper.next` returns once every step has run: prints as the closing line.

    It is falsy, so ``while step := s.next(): ...`` stops at the end.
    """

    __slots__ = ("total",)

    def __init__(self, total: int) -> None:
        self.total = total
        """How many steps the pass had."""

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, End) and other.total == self.total

    def __hash__(self) -> int:
        return hash(("End", self.total))

    def __str__(self) -> str:
        if self.total == 0:
            return "no steps: L is a leaf, its grad now holds the seed, as backward() leaves it"
        return f"all {self.total} step{'s' if self.total != 1 else ''} done: every grad now equals backward()"

    __repr__ = __str__


# ---------------------------------------------------------------------------------------------
# The walk. One step is _push(node); it returns what the step changed, which is also all a Step
# needs: (the node's grad, the grad each input had before its addition). Steps are made from it.


def _push(node: Value) -> tuple[float, ...]:
    """``parent.grad += local * node.grad`` for each input, as backward does; returns the record."""
    edges = node._edges
    g = node.grad
    if edges[1] is None:  # a learner's closure node: it does its own chain rule
        return _push_closure(node, state.anomaly)
    if g - g:  # an inf or nan grad: ops.chain's rule, a zero local passes 0 (as backward does)
        record = [g]
        for i in range(0, len(edges), 2):
            parent = edges[i]
            old = parent.grad
            record.append(old)
            parent.grad = old + chain(edges[i + 1], g)
        return tuple(record)
    if len(edges) == 4:  # most nodes: two inputs (a reused input, a * a, reads its first update)
        x, local_x, y, local_y = edges
        old_x = x.grad
        x.grad = old_x + local_x * g
        old_y = y.grad
        y.grad = old_y + local_y * g
        return (g, old_x, old_y)
    if len(edges) == 2:
        x, local_x = edges
        old_x = x.grad
        x.grad = old_x + local_x * g
        return (g, old_x)
    record = [g]
    for i in range(0, len(edges), 2):
        parent = edges[i]
        old = parent.grad
        record.append(old)
        parent.grad = old + edges[i + 1] * g
    return tuple(record)


def _push_closure(node: Value, check: bool) -> tuple[float, ...]:
    """Run a learner's ``_backward`` closure as backward does. Its locals are not stored, so the
    record is ``(g, each input's grad before, each input's grad after)``, per edge."""
    from .backward import run_closure

    parents = node._edges[0::2]
    before = tuple(p.grad for p in parents)
    run_closure(node, check)
    return (node.grad, *before, *(p.grad for p in parents))


def _undo(node: Value, record: tuple[float, ...]) -> None:
    """Put back the grads :func:`_push` overwrote, last first (exact: the saved floats return)."""
    edges = node._edges
    last = len(edges) // 2 if edges[1] is None else len(record) - 1  # a closure's record has afters too
    for j in range(last, 0, -1):
        edges[2 * (j - 1)].grad = record[j]


def _make_step(
    index: int, total: int, node: Value, record: tuple[float, ...], names: Mapping[int, str]
) -> Step:
    """The :class:`Step` for a record (the same floats the step computed: products are redone exactly)."""
    g = record[0]
    edges = node._edges
    if edges[1] is None:  # a learner's closure: one record per distinct input, grads around it
        n = len(edges) // 2
        first: dict[int, int] = {}
        for j in range(n):
            first.setdefault(id(edges[2 * j]), j)
        closure_inputs = tuple(
            InputStep(edges[2 * j], j, math.nan, record[1 + n + j] - record[1 + j], record[1 + n + j], record[1 + j])
            for j in first.values()
        )
        return Step(index, total, node, g, closure_inputs, names, closure=True)
    inputs = []
    for j in range(len(record) - 1):
        local = edges[2 * j + 1]
        contribution = chain(local, g)  # backward's rule: local * g, 0 for a zero local
        inputs.append(InputStep(edges[2 * j], j, local, contribution, record[j + 1] + contribution))
    return Step(index, total, node, g, tuple(inputs), names)


def _start(root: Value, seed: float, interior: Sequence[Value]) -> list[tuple[Value, float]]:
    """What backward does first: reset interior grads, seed the root. Returns the grads it overwrote."""
    if state.anomaly:
        anomaly.check_seed(root, seed)
    remember_root(root)
    saved = [(v, v.grad) for v in interior if v.grad != 0.0 or math.copysign(1.0, v.grad) < 0.0]
    for v, _ in saved:
        v.grad = 0.0  # the rest are +0.0 already
    if not root._edges:  # a leaf root: not in ``interior``, its grad accumulates the seed
        saved.append((root, root.grad))
    root.grad += seed
    return saved


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
    # Mirrors autograd.backward.backward, pausing after each node.
    interior = [v for v in order if v._edges]
    _start(root, seed, interior)
    check = state.anomaly
    total = len(interior)
    for index, node in enumerate(reversed(interior), 1):
        record = _push(node)
        if check and node._edges[1] is not None:  # a closure node was checked as it ran
            anomaly.check_backward(node)
        yield _make_step(index, total, node, record, names)


class Steps(Sequence[Step]):
    """Some steps of one pass, oldest first; each :class:`Step` is made when you look at it.

    What :meth:`Stepper.run` returns and :attr:`Stepper.history` is. It holds only what each step
    changed, so a million steps cost little; it prints as the sentences (long runs shortened).
    """

    SHOWN = 12
    """How many sentences ``repr`` prints, at most (the first and the last halves)."""

    def __init__(self, nodes: Sequence[Value], records: list[tuple[float, ...]], first: int, total: int,
                 names: Mapping[int, str], end: End | None = None) -> None:
        self._nodes = nodes  # every step's node, in step order (shared with the stepper, never changed)
        self._records = records  # a copy: this object does not change when the stepper moves
        self._first = first  # the index (1-based) of the first step here
        self._total = total
        self._names = names
        self._end = end

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, i: int) -> Step: ...

    @overload
    def __getitem__(self, i: slice) -> list[Step]: ...

    def __getitem__(self, i: int | slice) -> Step | list[Step]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self._records)
        if not -n <= i < n:
            raise IndexError(f"Steps: index {i} out of range for {n} steps")
        i %= n
        index = self._first + i
        return _make_step(index, self._total, self._nodes[index - 1], self._records[i], self._names)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Steps, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        n = len(self)
        half = self.SHOWN // 2
        shown = [str(s) for s in self] if n <= self.SHOWN else (
            [str(self[j]) for j in range(half)] + [f"... ({n - 2 * half} more steps)"]
            + [str(self[j]) for j in range(n - half, n)]
        )
        if self._end is not None:
            shown.append(str(self._end))
        return "\n".join(shown) if shown else "(no steps)"

    __str__ = __repr__


# ---------------------------------------------------------------------------------------------
# The stepper


class Stepper:
    """Walk backward one node at a time in a REPL: ``next()``, ``back()``, ``goto(k)``, ``run()``, ``show()``.

    ``len(s)`` is the number of steps, ``s.position`` how many are done; iterating takes the
    remaining steps. While you step, the stepper owns the graph's grads: each step overwrote some
    and remembers their old values, which ``back()`` puts back.
    """

    def __init__(self, root: Value, seed: float = 1.0) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Stepper: expected a Value, got {type(root).__name__} ({root!r})")
        self.root = root
        self.seed = to_float(seed, "Stepper: seed")
        self.order = topological_order(root)
        """Every node of the graph, inputs first (the order backward walks in reverse)."""
        self.names = node_names(self.order)
        """``id(node) -> name`` (:func:`autograd.names.node_names` over :attr:`order`)."""
        self._nodes = [v for v in reversed(self.order) if v._edges]  # step k processes _nodes[k - 1]
        self.total = len(self._nodes)
        """How many steps the pass has: one per interior node."""
        self._records: list[tuple[float, ...]] = []  # per step taken: what it changed (see _push)
        self._saved: list[tuple[Value, float]] | None = None  # grads the start overwrote; None: not started
        self._current: Step | None = None  # the Step last returned, so s.current is s.next()'s object

    # -- where we are --------------------------------------------------------------------------

    def __len__(self) -> int:
        """How many steps the whole pass has."""
        return self.total

    @property
    def position(self) -> int:
        """How many steps are done: 0 before the first, ``len(self)`` at the end."""
        return len(self._records)

    @property
    def done(self) -> bool:
        """True once every step has run (every grad is what ``backward()`` gives)."""
        return self._saved is not None and len(self._records) == self.total

    @property
    def history(self) -> Steps:
        """The steps taken so far, oldest first (a snapshot; each Step is made on access)."""
        end = End(self.total) if self.done else None
        return Steps(self._nodes, self._records[:], 1, self.total, self.names, end)

    @property
    def current(self) -> Step | None:
        """The last step taken, or ``None`` before the first."""
        k = len(self._records)
        if k == 0:
            return None
        if self._current is None or self._current.index != k:
            self._current = _make_step(k, self.total, self._nodes[k - 1], self._records[-1], self.names)
        return self._current

    def processed(self) -> list[Value]:
        """The nodes whose grad has been pushed to their inputs so far, the current one last."""
        return self._nodes[: len(self._records)]

    # -- moving --------------------------------------------------------------------------------

    def _begin(self) -> None:
        if self._saved is None:
            self._saved = _start(self.root, self.seed, self._nodes)

    def _forward(self) -> None:
        """Take the next step (there is one): nothing changes if anomaly mode finds a bad number."""
        node = self._nodes[len(self._records)]
        record = _push(node)
        if state.anomaly and node._edges[1] is not None:  # a closure node is checked as it runs
            try:  # each contribution, and each input's new sum (finite parts can overflow together)
                anomaly.check_backward(node)
            except FloatingPointError:
                _undo(node, record)  # nothing changes when anomaly mode finds a bad number
                raise
        self._records.append(record)

    def _backward(self) -> None:
        """Undo the last step; undoing the first also undoes the reset and the seed."""
        k = len(self._records)
        if k:
            _undo(self._nodes[k - 1], self._records.pop())
        if k <= 1 and self._saved is not None:
            # Every step undone, interior grads are +0.0 again (as the start left them) but the
            # root's, which holds the seed; then the grads the start overwrote come back.
            self.root.grad = 0.0
            for v, old in reversed(self._saved):
                v.grad = old
            self._saved = None

    def next(self) -> Step | End:
        """Take one step and return it; at the end, an :class:`End` that prints the closing line."""
        if len(self._records) == self.total:
            self._begin()  # a leaf root: the pass is only the seed
            return End(self.total)
        self._run_to(len(self._records) + 1)
        self._current = None
        return self.current  # type: ignore[return-value]

    def back(self) -> Stepper:
        """Undo the last step: every grad goes back to its value before it, bit for bit."""
        if self._saved is not None:
            self._backward()
            self._current = None
        return self

    def goto(self, k: int) -> Stepper:
        """Go to the state after ``k`` steps (0: before the first, ``len(self)``: the end), forward or back."""
        if isinstance(k, bool) or not hasattr(type(k), "__index__"):  # ints, numpy ints; not True or "3"
            raise TypeError(
                f"Stepper.goto: step must be an int from 0 to {self.total}, got {type(k).__name__} ({k!r})"
            )
        k = operator.index(k)
        if not 0 <= k <= self.total:
            raise ValueError(
                f"Stepper.goto: step must be from 0 to {self.total} (len of the stepper), got {k}"
            )
        if k == 0:
            while self._saved is not None:
                self._backward()
        else:
            while len(self._records) > k:
                self._backward()
            if len(self._records) < k:
                self._run_to(k)
        self._current = None
        return self

    def _run_to(self, k: int) -> None:
        """Step forward until ``k`` steps are done; after an error, back where it started."""
        start = len(self._records)
        was_started = self._saved is not None
        self._begin()
        try:
            if state.anomaly:
                while len(self._records) < k:
                    self._forward()
                return
            records, nodes = self._records, self._nodes
            for i in range(start, k):
                records.append(_push(nodes[i]))
        except BaseException:
            while len(self._records) > start:
                self._backward()
            if not was_started and self._saved is not None:
                self._backward()
            raise

    def run(self) -> Steps:
        """Take every remaining step and return them (grads are then what ``backward()`` gives)."""
        start = len(self._records)
        self._run_to(self.total)
        self._current = None
        return Steps(self._nodes, self._records[start:], start + 1, self.total, self.names, End(self.total))

    def __iter__(self) -> Iterator[Step]:
        """The remaining steps, taken one by one as you iterate."""
        while step := self.next():
            yield step  # type: ignore[misc]

    def show(self, **draw_options: Any) -> graphviz.Digraph | Sketch:
        """The graph mid-way: the current node marked, done and waiting nodes told apart.

        At a terminal prompt (not in Jupyter) this is the text picture, :func:`autograd.sketch`
        with ``▶``/``✓``/``·`` marks, in colour where allowed; elsewhere (Jupyter, scripts, tests)
        the drawing, :func:`autograd.draw` with the progress outlined. Either has ``.save(path)``.
        """
        from .viz.sketch import at_terminal_prompt, sketch_progress

        if at_terminal_prompt():
            return sketch_progress(self, **draw_options)
        from .viz.animate import draw_progress

        return draw_progress(self, **draw_options)

    def __repr__(self) -> str:
        what = f"L = {describe(self.root, self.names)} = {number(self.root.data)}"
        if self.root.is_leaf:
            what = f"L = {self.names[id(self.root)]} = {number(self.root.data)}"
        if self.done and self.total:
            return f"Stepper({what}, all {self.total} steps done)"
        current = self.current
        at = f", at {describe(current.node, self.names)}" if current is not None else ""
        return f"Stepper({what}, {len(self._records)}/{self.total} steps done{at})"
