"""``Value``: one scalar in a computation graph, and :func:`apply`, which records an op.

A node stores its data, its grad, the op that made it, and its *edges*: the flat tuple
``(parent_0, local_0, parent_1, local_1, ...)`` where ``local_i`` is d(self)/d(parent_i), computed
when the node is created. Backward is then only ``parent.grad += local * self.grad`` per edge.
Parents keep their order and their repeats (``a * a`` has two edges to ``a``). A node refers to
its parents and never the other way, so there are no reference cycles: dropping the output frees
the whole graph at once.

A node can also be made the lecture's way, ``Value(data, (a, b), '+')`` with a ``_backward``
closure assigned to it (a :class:`LearnerOp` node). Its edges are ``(parent_0, None, ...)``: the
``None`` says the closure does the chain rule, so its per-edge local derivatives are not stored.
As in micrograd, such a node and its closure refer to each other (a reference cycle): the graph is
freed by Python's cyclic garbage collector, not at once.

The maths of every op lives in :mod:`autograd.ops`; the methods here are one-line delegations.

>>> a = Value(2.0, label="a")
>>> b = Value(-3.0, label="b")
>>> c = a * b + a
>>> c.backward()
>>> a.grad, b.grad
(-2.0, 2.0)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Iterator, Sequence

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time (import time); checkers read it as True

from . import ops
from .modes import state

if TYPE_CHECKING:
    from .stepper import Step

if TYPE_CHECKING:
    from typing import Any, NoReturn, Union

    Number = Union[int, float]
    Operand = Union["Value", int, float]

_REJECTED = (bool, str, bytes, complex, type(None), list, tuple, dict, set)


def to_float(x: object, where: str) -> float:
    """``x`` as a float if it is a real number (int, float, numpy scalar); else ``TypeError``."""
    if type(x) is float:
        return x  # type: ignore[return-value]
    try:
        if type(x) is int:
            return float(x)
        if isinstance(x, numbers.Real) and not isinstance(x, bool) and type(x).__name__ not in ("bool_", "bool"):
            return float(x)
    except OverflowError:
        raise OverflowError(f"{where}: {_too_big(x)} is too large for a float (max about 1.8e308)") from None
    raise TypeError(f"{where}: expected a real number, got {type(x).__name__} ({x!r})")


def is_finite(x: object) -> bool:
    """``math.isfinite(x)``, but False (not OverflowError) for an int too large for a float."""
    try:
        return math.isfinite(x)  # type: ignore[arg-type]
    except OverflowError:
        return False


def _too_big(x: object) -> str:
    """A huge number for a message: its type and size, not its 400 digits."""
    text = str(x)
    return f"{type(x).__name__} {text[:12]}... ({len(text)} digits)" if len(text) > 40 else f"{type(x).__name__} {text}"


class LearnerOp(ops.Op):
    """The op of a node made the lecture's way: ``Value(t, (x,), 'tanh')`` and a ``_backward`` closure.

    ``backward`` is the learner's closure (``None``: the node passes no gradient, as micrograd's
    default ``lambda: None``). The engine cannot see inside it, so such a node stores no local
    derivatives (its edges carry ``None``) and cannot be differentiated twice.
    """

    __slots__ = ("backward",)
    backward: Callable[[], None] | None

    def __init__(self, *fields: Any, backward: Callable[[], None] | None = None, **named: Any) -> None:
        super().__init__(*fields, **named)
        object.__setattr__(self, "backward", backward)


def _not_recorded(*args: object) -> NoReturn:
    raise TypeError("a learner's _backward closure has no formula the engine can run (its maths is inside the closure)")


def _learner_op(symbol: str, backward: Callable[[], None] | None = None) -> LearnerOp:
    return LearnerOp(symbol, symbol, None, _not_recorded, _not_recorded, (), (), backward=backward)


def _noop() -> None:
    """micrograd's ``_backward`` of a leaf: nothing to push."""


def _as_children(children: object, where: str) -> tuple[Value, ...]:
    if isinstance(children, (str, bytes)) or not hasattr(children, "__iter__"):
        raise TypeError(f"{where}: children must be a tuple or set of Values, got {type(children).__name__} ({children!r})")
    kids = tuple(children)  # type: ignore[call-overload]
    for k in kids:
        if not isinstance(k, Value):
            raise TypeError(f"{where}: every child must be a Value, got {type(k).__name__} ({k!r})")
    return kids


def _check_label(label: object) -> str:
    if not isinstance(label, str):
        raise TypeError(f"Value: label must be a str, got {type(label).__name__} ({label!r})")
    return label


class Value:
    """A scalar that remembers how it was computed, so gradients can flow back to its inputs."""

    # __dict__: a learner may keep their own state on a value (EurekaLabs' AdamW sets p.m, p.v).
    __slots__ = ("data", "grad", "_label", "_fn", "_edges", "_scope", "__dict__", "__weakref__")
    __array_ufunc__ = None  # numpy defers to our reflected ops: np.float64(2) * v is a Value

    data: float
    grad: float

    def __init__(self, data: float, _children: Iterable[Value] | str = (), _op: str = "", label: str = "") -> None:
        """micrograd's signature; ``Value(2.0, "x")`` (a str second argument) is still the label."""
        if isinstance(_children, str):  # never a valid child list, so unambiguous: the old form
            if _op or label:
                raise TypeError(f"Value: a str second argument is the label; got also _op={_op!r} label={label!r}")
            _children, label = (), _children  # type: ignore[assignment]
        self.data = to_float(data, "Value")
        self.grad = 0.0
        self._label = _check_label(label)
        self._scope = state.scope
        self._fn: ops.Op | None = None
        self._edges: tuple = ()
        if _children or _op:  # the lecture's way: Value(t, (x,), 'tanh'), then out._backward = ...
            if not isinstance(_op, str):
                raise TypeError(f"Value: _op must be a str, got {type(_op).__name__} ({_op!r})")
            kids = _as_children(_children, "Value")
            if state.grad_enabled:
                self._fn = _learner_op(_op)
                self._edges = _closure_edges(kids)

    # -- what a learner inspects --------------------------------------------------------------

    @property
    def label(self) -> str:
        """The name drawings and messages use; a str, checked when set (``v.label = "loss"``)."""
        return self._label

    @label.setter
    def label(self, label: str) -> None:
        self._label = _check_label(label)

    @property
    def op(self) -> str:
        """Name of the op that made this node (``"mul"``), or ``""`` for a leaf."""
        return self._fn.name if self._fn is not None else ""

    @property
    def fn(self) -> ops.Op | None:
        """The :class:`~autograd.ops.Op` record that made this node, or ``None`` for a leaf."""
        return self._fn

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the op that made this node, in order, repeats kept."""
        return self._edges[0::2]

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent_i) for each parent, computed when this node was made."""
        return self._edges[1::2]

    @property
    def is_leaf(self) -> bool:
        """True for a node with no recorded parents (an input, a weight, a constant)."""
        return not self._edges

    @property
    def scope(self) -> str | None:
        """The dotted scope path this node was created in (see :func:`autograd.scope`)."""
        return self._scope

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    # -- micrograd compatibility: the lecture's own draw_dot and manual backward use these ----

    # Each can be assigned, as the lecture does; a node given a closure becomes a LearnerOp node.

    @property
    def _prev(self) -> set[Value]:
        """The parents as a set, as micrograd stores them (prefer :attr:`parents`)."""
        return set(self.parents)

    @_prev.setter
    def _prev(self, children: Iterable[Value]) -> None:
        kids = _as_children(children, "Value._prev")
        fn = self._fn
        if not isinstance(fn, LearnerOp):  # as in micrograd, the node's _backward stays what it was
            old = self._edges
            fn = _learner_op(fn.label if fn is not None else "", (lambda: _push_edges(old, self)) if old else None)
        self._fn = fn
        self._edges = _closure_edges(kids)

    @property
    def _op(self) -> str:
        """micrograd's op string: the drawn symbol, ``""`` for a leaf (prefer :attr:`op`)."""
        return self._fn.label if self._fn is not None else ""

    @_op.setter
    def _op(self, symbol: str) -> None:
        if not isinstance(symbol, str):
            raise TypeError(f"Value._op: expected a str, got {type(symbol).__name__} ({symbol!r})")
        fn = self._fn
        if fn is None:
            self._fn = _learner_op(symbol)
        elif isinstance(fn, LearnerOp):
            self._fn = fn.replace(name=symbol, symbol=symbol)
        else:  # an engine op keeps its maths and stored locals; only the drawn symbol (before any
            self._fn = fn.replace(symbol=symbol)  # bound constant: "**" on x ** 3 reads "**3") changes

    @property
    def _backward(self) -> Callable[[], None]:
        """micrograd's per-node step: push this node's grad into its parents (prefer backward())."""
        fn = self._fn
        if isinstance(fn, LearnerOp):
            return fn.backward or _noop
        return lambda: _push(self)

    @_backward.setter
    def _backward(self, closure: Callable[[], None]) -> None:
        if not callable(closure):
            raise TypeError(f"Value._backward: expected a function of no arguments, got {type(closure).__name__} ({closure!r})")
        fn = self._fn
        if isinstance(fn, LearnerOp):
            self._fn = fn.replace(backward=closure)
        else:  # an engine node handed to a closure: its stored locals no longer apply
            self._fn = _learner_op(fn.label if fn is not None else "", closure)
            self._edges = _closure_edges(self._edges[0::2])

    # -- comparisons: on .data, as PyTorch users expect; == and hash stay identity -------------

    def __lt__(self, other: Operand) -> bool:
        return self.data < _compared(other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.data <= _compared(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.data > _compared(other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _compared(other, ">=")

    # -- arithmetic: every method is a delegation to the op table ------------------------------

    def __add__(self, other: Operand) -> Value:
        return _binary(ops.ADD, self, other)

    def __radd__(self, other: Operand) -> Value:  # other + self
        return _binary(ops.ADD, other, self)

    def __sub__(self, other: Operand) -> Value:
        return _binary(ops.SUB, self, other)

    def __rsub__(self, other: Operand) -> Value:  # other - self
        return _binary(ops.SUB, other, self)

    def __mul__(self, other: Operand) -> Value:
        return _binary(ops.MUL, self, other)

    def __rmul__(self, other: Operand) -> Value:  # other * self
        return _binary(ops.MUL, other, self)

    def __truediv__(self, other: Operand) -> Value:
        return _binary(ops.DIV, self, other)

    def __rtruediv__(self, other: Operand) -> Value:  # other / self
        return _binary(ops.DIV, other, self)

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def __pow__(self, other: Operand, modulo: None = None) -> Value:
        if modulo is not None:
            raise TypeError("pow: three-argument pow() is not supported for Value")
        if isinstance(other, Value):
            return _binary(ops.POWV, self, other)
        return _unary(ops.POW.bind(to_float(other, "pow: exponent")), self)

    def __rpow__(self, other: Operand) -> Value:  # other ** self
        return _binary(ops.POWV, other, self)

    def __abs__(self) -> Value:
        return _unary(ops.ABS, self)

    def exp(self) -> Value:
        """e ** self."""
        return _unary(ops.EXP, self)

    def log(self) -> Value:
        """Natural logarithm; ``ValueError`` for inputs <= 0."""
        return _unary(ops.LOG, self)

    def sqrt(self) -> Value:
        """Square root; ``ValueError`` for negative inputs, derivative ``inf`` at 0."""
        return _unary(ops.SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _unary(ops.TANH, self)

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e ** -self), stable for any finite input."""
        return _unary(ops.SIGMOID, self)

    def relu(self) -> Value:
        """max(0, self), with derivative 0 at 0."""
        return _unary(ops.RELU, self)

    # -- gradients ----------------------------------------------------------------------------

    def backward(self, seed: float = 1.0) -> None:
        """Fill ``.grad`` of every node below with d(self)/d(node); leaf grads accumulate.

        Interior grads are reset first; the root gets ``seed``; each leaf's grad is *added to*,
        so calling backward twice doubles the leaf grads (as PyTorch does).
        """
        _passes.backward(self, seed)

    def backward_steps(self, seed: float = 1.0) -> Iterator[Step]:
        """backward() one node at a time: a generator of :class:`~autograd.stepper.Step` records."""
        from .stepper import backward_steps

        return backward_steps(self, seed)

    def zero_grad(self) -> None:
        """Set the grad of this node and every node below it to 0.0."""
        _passes.zero_grad(self)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, label=self.label)


def _compared(other: object, symbol: str) -> float:
    if isinstance(other, Value):
        return other.data
    return to_float(other, f"Value {symbol}: the other side")


def _closure_edges(parents: Sequence[Value]) -> tuple:
    """Edges ``(parent_0, None, parent_1, None, ...)``: ``None`` means the closure does the chain rule."""
    edges: list = [None] * (2 * len(parents))
    edges[0::2] = parents
    return tuple(edges)


def as_value(x: Operand, where: str) -> Value:
    """``x`` itself if it is a Value, else a new constant leaf; ``TypeError`` names ``where``."""
    if isinstance(x, Value):
        return x
    return _constant(to_float(x, f"{where}: operand"))


class Constant(Value):
    """A leaf the engine made from a plain number an op was given (the ``2`` in ``2 * a``).

    It is a ``Value`` in every way; the subclass only tells views to show it by its number
    (:mod:`autograd.names`). It costs nothing: no extra slot, no extra work.
    """

    __slots__ = ()


def _constant(data: float) -> Value:
    """A leaf made from a plain number an op was given (``2`` in ``2 * a``)."""
    leaf = _new(Constant)
    leaf.data = data
    leaf.grad = 0.0
    leaf._label = ""
    leaf._fn = None
    leaf._edges = ()
    leaf._scope = state.scope
    if state.constants is not None:  # autograd.compile is tracing: it writes constants inline
        state.constants.append(leaf)
    return leaf


def _operand(op: ops.Op, x: object) -> Value:
    """A non-Value operand of a binary op as a constant leaf, or ``NotImplemented``.

    Types that are never numbers get our own message; other unknown types (a numpy array, a
    user's class) get ``NotImplemented``, so Python can try their reflected method.
    """
    if isinstance(x, Value):
        return x
    if type(x) is float:
        return _constant(x)  # type: ignore[arg-type]
    if type(x) is int:
        return _constant(to_float(x, f"{op.name}: operand"))  # to_float names op for a huge int
    if isinstance(x, _REJECTED):
        raise TypeError(f"{op.name}: operand must be a Value or a real number, got {type(x).__name__} ({x!r})")
    if not isinstance(x, numbers.Real):
        return NotImplemented
    return _constant(to_float(x, f"{op.name}: operand"))


# How a node is recorded. Every way is the same four steps: inputs as Values, forward on their
# data, the locals d(out)/d(input_i) from the op's rule, and the edges (input_0, local_0,
# input_1, ...). One input, two inputs, any number, and a neuron's dot each get their own
# function with the steps spelled out, because this is the engine's hottest code; apply()
# picks one for any op.


def _binary(op: ops.Op, x: Operand, y: Operand) -> Value:
    """Record ``op(x, y)`` for an op with two inputs and no bound constants."""
    if type(x) is not Value:
        x = _operand(op, x)
        if x is NotImplemented:
            return NotImplemented
    if type(y) is not Value:
        y = _operand(op, y)
        if y is NotImplemented:
            return NotImplemented
    a = x.data  # type: ignore[union-attr]
    b = y.data  # type: ignore[union-attr]
    out = _new(Value)
    out.data = data = op.forward(a, b)
    out.grad = 0.0
    out._label = ""
    out._scope = state.scope
    if state.grad_enabled:
        out._fn = op
        local_x, local_y = op.local(data, a, b)
        out._edges = (x, local_x, y, local_y)
    else:  # under no_grad the result is a leaf: no op, no edges
        out._fn = None
        out._edges = ()
    if state.anomaly:
        _check_forward(op, (x, y), out)
    return out


def _unary(op: ops.Op, x: Operand) -> Value:
    """Record ``op(x)`` for an op with one input (and maybe bound constants: ``x ** 3``)."""
    if type(x) is not Value:
        x = as_value(x, op.name)
    a = x.data  # type: ignore[union-attr]
    params = op.params
    out = _new(Value)
    out.data = data = op.forward(a, *params) if params else op.forward(a)
    out.grad = 0.0
    out._label = ""
    out._scope = state.scope
    if state.grad_enabled:
        out._fn = op
        (local_x,) = op.local(data, a, *params) if params else op.local(data, a)
        out._edges = (x, local_x)
    else:
        out._fn = None
        out._edges = ()
    if state.anomaly:
        _check_forward(op, (x,), out)  # type: ignore[arg-type]
    return out


def _nary(op: ops.Op, inputs: Sequence[Operand]) -> Value:
    """Record ``op(*inputs)`` for any number of inputs (sum, dot): list passes, no per-input steps."""
    datas = [x.data for x in inputs if type(x) is Value]  # type: ignore[union-attr]
    xs: Sequence[Value]
    if len(datas) == len(inputs):  # all Values: the common case, one pass
        xs = inputs  # type: ignore[assignment]
    else:
        xs = [as_value(x, op.name) for x in inputs]
        datas = [x.data for x in xs]
    params = op.params
    out = _new(Value)
    out.data = data = op.forward(*datas, *params)
    out.grad = 0.0
    out._label = ""
    out._scope = state.scope
    if state.grad_enabled:
        out._fn = op
        edges: list = [None] * (2 * len(xs))
        edges[0::2] = xs
        edges[1::2] = op.local(data, *datas, *params)
        out._edges = tuple(edges)
    else:
        out._fn = None
        out._edges = ()
    if state.anomaly:
        _check_forward(op, tuple(xs), out)
    return out


def _dot(ws: list[Value], xs: list[Value], wd: list[float], xd: list[float], b: Value | None) -> Value:
    """Record one dot node ``w . x + b`` from Values and their data; edges (w_0, x_0, ..., b).

    The same four steps as :func:`_nary`, on the weight and input vectors at once: the edges
    are filled by slices, so a neuron with 16 inputs costs about what 4 binary ops do.
    """
    out = _new(Value)
    out.data = ops.dot_forward(wd, xd, 0.0 if b is None else b.data)
    out.grad = 0.0
    out._label = ""
    out._scope = state.scope
    if state.grad_enabled:
        out._fn = ops.DOT
        d_ws, d_xs, d_b = ops.dot_locals(wd, xd)
        m = 4 * len(ws)
        edges: list = [None] * (m if b is None else m + 2)  # (w_0, d/dw_0, x_0, d/dx_0, ..., b, d/db)
        edges[0:m:4] = ws
        edges[1:m:4] = d_ws
        edges[2:m:4] = xs
        edges[3:m:4] = d_xs
        if b is not None:
            edges[m] = b
            edges[m + 1] = d_b
        out._edges = tuple(edges)
    else:
        out._fn = None
        out._edges = ()
    if state.anomaly:
        _check_forward(ops.DOT, out.parents, out)
    return out


def apply(op: ops.Op, *inputs: Operand) -> Value:
    """Run ``op`` forward on the inputs' data and record a node with its local derivatives.

    Numbers among the inputs become constant leaves. Under :func:`autograd.no_grad` the result
    is a plain leaf. Domain errors come from ``op.forward`` and name the op and the value.

    >>> from autograd import ops
    >>> apply(ops.MUL, Value(3.0), 2).local_grads
    (2.0, 3.0)
    """
    if op.arity is not None and len(inputs) != op.arity:
        raise TypeError(f"{op.name}: takes {op.arity} input(s), got {len(inputs)}")
    if len(inputs) == 1:
        return _unary(op, inputs[0])
    if len(inputs) == 2 and not op.params:
        x, y = (v if type(v) is Value else as_value(v, op.name) for v in inputs)
        return _binary(op, x, y)
    return _nary(op, inputs)


def _check_forward(op: ops.Op, inputs: tuple[Value, ...], out: Value) -> None:
    from .anomaly import check_forward

    check_forward(op, inputs, out)


_new = object.__new__  # a Value with no __init__: the functions above fill every slot


def _push(node: Value) -> None:
    """One chain-rule step: add local * node.grad into each parent's grad."""
    fn = node._fn
    if isinstance(fn, LearnerOp):
        if fn.backward is not None:
            fn.backward()
        return
    _push_edges(node._edges, node)


def _push_edges(edges: tuple, node: Value) -> None:
    g = node.grad
    it = iter(edges)
    for parent, local in zip(it, it):
        parent.grad += local * g


# The backward passes live in their own module, which needs Value: imported last, once, so that
# calling ``v.backward()`` does not pay for an import statement each time.
from . import backward as _passes  # noqa: E402
